"""Request and response schemas of the Agents API (camelCase, as the reference spells them).

Field names are the JSON names; the serialisers in api/serializers.py build plain dicts
with these keys, so what an endpoint returns is exactly what an idempotent retry replays.
"""

from typing import Annotated, Any, Literal

from ninja import Field, Header, Schema
from pydantic import AfterValidator, ConfigDict

from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import KEY_PATTERN as IDEMPOTENCY_KEY_PATTERN

EnvironmentLiteral = Literal["sandbox", "pre-release", "live"]


def storable_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded: refuse both
    as bad input (422) instead of failing in the database (500)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


StorableText = Annotated[str, AfterValidator(storable_text)]
DeploymentMessage = Annotated[
    StorableText,
    Field(max_length=2000, description="Message describing this action (at most 2,000 characters)"),
]


class StrictBody(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Errors ----------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(description="A stable machine-readable code, e.g. `already_active`.")
    message: str = Field(description="A sentence for people.")
    fields: dict[str, str] | None = Field(
        None, description="For invalid input: a message per field path."
    )


class ErrorEnvelope(Schema):
    error: ErrorBody


# The error responses each kind of endpoint can give.
READ_ERRORS = {401: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope}
WRITE_ERRORS = {
    400: ErrorEnvelope,
    401: ErrorEnvelope,
    403: ErrorEnvelope,
    404: ErrorEnvelope,
    409: ErrorEnvelope,
    422: ErrorEnvelope,
}
IdempotencyKey = Header(
    None,
    alias=IDEMPOTENCY_HEADER,
    pattern=IDEMPOTENCY_KEY_PATTERN,
    description="Any unique string (e.g. a UUID). A retry with the same key and the same "
    "request returns the first response and changes nothing; the same key with another "
    "request is a 422 `idempotency_key_reused`.",
)


# --- Deployments -----------------------------------------------------------------------


class VersionRef(Schema):
    id: str
    number: int
    name: str


class DeploymentOut(Schema):
    """A deployment of an agent version to a specific environment, plus who created it and
    when."""

    id: str
    agentId: str
    environment: EnvironmentLiteral
    action: Literal["publish", "promote", "rollback", "undeploy"]
    version: VersionRef
    deploymentMessage: str
    createdBy: str = Field(description="The member's username, or `<key name> (API key)`.")
    createdAt: str = Field(
        description="ISO 8601, UTC (`Z`).", json_schema_extra={"format": "date-time"}
    )
    sourceDeploymentId: str | None = Field(
        description="The deployment this one came from: promoted from, rolled back to, or "
        "(for an undeploy) the one taken offline. Null for a publish."
    )
    previousDeploymentId: str | None = Field(
        description="The deployment that was active in this environment just before."
    )


class DeploymentListOut(Schema):
    """Deployments for the requested environment, ordered newest first."""

    deployments: list[DeploymentOut]


class ActiveDeployments(Schema):
    model_config = ConfigDict(populate_by_name=True)

    sandbox: DeploymentOut | None
    pre_release: DeploymentOut | None = Field(alias="pre-release")
    live: DeploymentOut | None


class ActiveDeploymentsOut(Schema):
    """The latest deployment for each environment; null when an environment has none."""

    activeDeployments: ActiveDeployments


class MutationDeploymentOut(Schema):
    """The resulting deployment from a publish / promote / rollback / undeploy action, plus
    any test runs it triggered."""

    deployment: DeploymentOut
    testRunIds: list[str] = Field(
        description="IDs of test runs triggered by this action (empty until test suites exist)."
    )


class PublishBody(StrictBody):
    """Metadata attached to a publish action, with an optional target environment."""

    deploymentMessage: DeploymentMessage = ""
    environment: EnvironmentLiteral = Field(
        "sandbox", description="Environment to publish to (defaults to sandbox)"
    )


class PromoteBody(StrictBody):
    """An optional message and an explicit target environment override."""

    deploymentMessage: DeploymentMessage = ""
    targetEnvironment: EnvironmentLiteral | None = Field(
        None,
        description="Target environment. If omitted, promotes to the next environment in "
        "sequence (sandbox -> pre-release -> live). Promoting to live needs an ops or admin key.",
    )


class RollbackBody(StrictBody):
    deploymentMessage: DeploymentMessage = ""


class UndeployBody(StrictBody):
    deploymentMessage: DeploymentMessage = ""
    environment: EnvironmentLiteral = Field(
        "live", description="Environment to take offline (defaults to live)"
    )


# --- Agents, drafts, versions, compare --------------------------------------------------


class AgentOut(Schema):
    id: str
    name: str


class AgentListOut(Schema):
    agents: list[AgentOut]


class DraftOut(Schema):
    agentId: str
    revision: int
    sha256: str
    updatedAt: str = Field(json_schema_extra={"format": "date-time"})
    document: dict[str, Any] = Field(description="The canonical configuration document.")


class VersionOut(Schema):
    id: str
    number: int
    name: str
    description: str
    sha256: str
    createdBy: str
    createdAt: str = Field(json_schema_extra={"format": "date-time"})


class VersionListOut(Schema):
    versions: list[VersionOut]
    nextBefore: int | None = Field(
        description="Pass as `before` to get the next (older) page; null on the last page."
    )


class VersionDetailOut(VersionOut):
    document: dict[str, Any]


class CompareVersion(Schema):
    id: str
    number: int
    name: str


class CompareSide(Schema):
    ref: str
    label: str
    nothingDeployed: bool
    version: CompareVersion | None


class CompareOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_: CompareSide = Field(alias="from")
    to: CompareSide
    diff: dict[str, Any] = Field(description="The compare module's JSON (see /compare views).")
