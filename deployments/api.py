"""The Agents API (`/v1/`): JSON over the same services the dashboard uses.

Authentication is the `x-api-key` header (a workspace-scoped key); errors always use the
envelope {"error": {"code": ..., "message": ...}}. Endpoints live in routers of their own
modules and are registered at the bottom of this file.
"""

import json
import math
import uuid
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Body, Header, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader
from pydantic import ConfigDict

from agentbuilder.actors import Actor, actor_label
from agentbuilder.errors import InvalidInput, ServiceError, StaleRevision
from agentbuilder.models import Agent
from agentbuilder.services import draft_save
from deployments.api_key_cache import api_key_for_hash, should_touch
from deployments.api_schemas import (
    ActiveDeploymentsOut,
    AgentListOut,
    AgentOut,
    CompareOut,
    DeploymentListOut,
    DraftOut,
    EnvironmentLiteral,
    ErrorBody,
    ErrorEnvelope,
    MutationDeploymentOut,
    PromoteBody,
    PublishBody,
    RollbackBody,
    UndeployBody,
    VersionDetailOut,
    VersionListOut,
)
from deployments.idempotency import HEADER as IDEMPOTENCY_HEADER
from deployments.idempotency import KEY_PATTERN as IDEMPOTENCY_KEY_PATTERN
from deployments.idempotency import idempotent
from deployments.models import (
    ENVIRONMENT_ORDER,
    ApiKey,
    Deployment,
    Environment,
)
from deployments.services import (
    api_key_hash,
    deployment_promote,
    deployment_publish,
    deployment_rollback,
    deployment_undeploy,
)
from versions.compare import comparison_json
from versions.models import Version
from versions.selectors import resolve_ref

__all__ = ["AgentOut", "ErrorBody", "ErrorEnvelope", "api", "error_response", "get_agent_for_key"]


class ApiKeyAuth(APIKeyHeader):
    param_name = "x-api-key"

    def authenticate(self, request, key):
        """Return the ApiKey for a valid, unrevoked key; sets request.actor and
        request.workspace for the endpoint."""
        if not key:
            return None
        api_key = api_key_for_hash(api_key_hash(key))
        if api_key is None:
            return None
        now = timezone.now()
        # Touch last_used_at at most once a minute: it is shown in the keys list, and
        # writing it on every call would make every read a write. (update() skips history
        # on purpose: last_used_at is not part of the key's history.)
        recent = api_key.last_used_at and (now - api_key.last_used_at).total_seconds() <= 60
        if not recent and should_touch(api_key):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        request.api_key = api_key
        request.workspace = api_key.workspace
        request.actor = Actor(user=api_key.user, role=api_key.role, api_key_name=api_key.name)
        return api_key


api = NinjaAPI(
    title="Agent Release Console — Agents API",
    version="1",
    urls_namespace="api",
    auth=ApiKeyAuth(),
    description=(
        "Publish, promote and roll back agent versions from CI. Authenticate with the "
        "`x-api-key` header (create keys on the API keys page). Every error is "
        '`{"error": {"code", "message"}}`. POST endpoints accept an `Idempotency-Key` header. '
        "See docs/api.md."
    ),
)


def error_response(request, status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    extra = {"fields": exc.errors} if isinstance(exc, InvalidInput) and exc.errors else {}
    return error_response(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(request, 401, "unauthorized", "A valid x-api-key header is required.")


ENVIRONMENT_FIELDS = {"environment", "targetEnvironment"}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    code = "invalid"
    for error in exc.errors:
        parts = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "header", "payload")
        ]
        location = ".".join(parts) or "body"
        fields.setdefault(
            location, str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        )
        if parts and parts[-1] in ENVIRONMENT_FIELDS and error.get("type") == "literal_error":
            code = "unknown_environment"
    location, message = next(iter(fields.items()), ("", "Invalid input."))
    return error_response(request, 422, code, f"{location}: {message}", fields=fields)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return error_response(request, 400, "malformed_json", "The request body is not valid JSON.")
    return error_response(request, exc.status_code, "http_error", message)


@api.exception_handler(SuspiciousOperation)
def on_suspicious_operation(request, exc):
    # RequestDataTooBig and friends: Django would answer with an HTML 400 page.
    return error_response(request, 400, "bad_request", "The request is too large or malformed.")


def get_agent_for_key(request, agent_id: str) -> Agent:
    """The agent of the key's workspace with this id; 404 for unknown ids and for agents
    of other workspaces alike."""
    agent = Agent.objects.filter(pk=_uuid_or_none(agent_id), workspace=request.workspace).first()
    if agent is None:
        raise Http404("No agent with this id.")
    return agent


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def get_deployment_for_key(agent: Agent, deployment_id: str) -> Deployment:
    """A deployment of `agent` (already scoped to the key's workspace); 404 for unknown ids
    and for deployments of other agents alike."""
    deployment = (
        Deployment.objects.select_related("agent", "version")
        .filter(pk=_uuid_or_none(deployment_id), agent=agent)
        .first()
    )
    if deployment is None:
        raise Http404("No deployment with this id for this agent.")
    return deployment


# --- Serialisation: plain dicts whose keys are the JSON names --------------------------

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_INT = 2**31 - 1  # PostgreSQL integer: larger numbers cannot match any row


def iso_utc(moment) -> str:
    return moment.astimezone(timezone.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deployment_json(deployment: Deployment) -> dict[str, Any]:
    """Needs `version` and `created_by` selected."""
    version = deployment.version
    return {
        "id": str(deployment.pk),
        "agentId": str(deployment.agent_id),
        "environment": deployment.environment,
        "action": deployment.action,
        "version": {"id": str(version.pk), "number": version.number, "name": version.name},
        "deploymentMessage": deployment.message,
        "createdBy": actor_label(deployment.created_by),
        "createdAt": iso_utc(deployment.created_at),
        "sourceDeploymentId": str(deployment.source_id) if deployment.source_id else None,
        "previousDeploymentId": (
            str(deployment.previous_active_id) if deployment.previous_active_id else None
        ),
    }


def mutation_json(deployment: Deployment) -> dict[str, Any]:
    deployment = Deployment.objects.select_related("version", "created_by").get(pk=deployment.pk)
    return {"deployment": deployment_json(deployment), "testRunIds": []}


def version_json(version: Version) -> dict[str, Any]:
    return {
        "id": str(version.pk),
        "number": version.number,
        "name": version.name,
        "description": version.description,
        "sha256": version.sha256,
        "createdBy": actor_label(version.author),
        "createdAt": iso_utc(version.created_at),
    }


def draft_etag(agent: Agent) -> str:
    return f'"{agent.draft_revision}-{agent.draft_sha256[:16]}"'


def draft_json(agent: Agent) -> dict[str, Any]:
    return {
        "agentId": str(agent.pk),
        "revision": agent.draft_revision,
        "sha256": agent.draft_sha256,
        "updatedAt": iso_utc(agent.draft_updated_at),
        "document": agent.draft_document,
    }


def unstorable_json_path(value: Any, path: str = "document") -> str | None:
    """The path of the first value PostgreSQL's jsonb cannot store (NUL characters, lone
    surrogates, NaN or infinite numbers), or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return path if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            found = unstorable_json_path(key, path) or unstorable_json_path(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = unstorable_json_path(item, f"{path}.{index}")
            if found:
                return found
    return None


# --- Error responses each kind of endpoint can give ------------------------------------

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


# --- Agents ---------------------------------------------------------------------------


@api.get("/agents", response={200: AgentListOut, 401: ErrorEnvelope}, tags=["agents"])
def list_agents(request):
    """The workspace's agents."""
    agents = Agent.objects.filter(workspace=request.workspace).order_by("name").only("id", "name")
    return {"agents": [{"id": str(agent.pk), "name": agent.name} for agent in agents]}


# --- Deployments (the reference's endpoints) ------------------------------------------


@api.get(
    "/agents/{agentId}/deployments",
    response={200: DeploymentListOut, **READ_ERRORS},
    tags=["deployments"],
    summary="List deployments for an environment",
)
def list_deployments(
    request,
    agentId: str,
    environment: EnvironmentLiteral = Query(  # noqa: B008
        ..., description="Environment to list deployments for (sandbox, pre-release, live)"
    ),
    limit: int = Query(
        DEFAULT_LIMIT,
        ge=1,
        description=f"Max number of deployments to return (default {DEFAULT_LIMIT}; values "
        f"above {MAX_LIMIT} return {MAX_LIMIT})",
    ),
):
    """Deployments for the requested environment, ordered newest first."""
    agent = get_agent_for_key(request, agentId)
    deployments = (
        Deployment.objects.filter(agent=agent, environment=environment)
        .select_related("version", "created_by")
        .order_by("-sequence")[: min(limit, MAX_LIMIT)]
    )
    return {"deployments": [deployment_json(deployment) for deployment in deployments]}


@api.get(
    "/agents/{agentId}/deployments/active",
    response={200: ActiveDeploymentsOut, 401: ErrorEnvelope, 404: ErrorEnvelope},
    tags=["deployments"],
    summary="Get active deployment per environment",
    by_alias=True,
)
def active_deployments(request, agentId: str):
    """The active deployment of each environment (sandbox, pre-release, live); null when an
    environment has none (never deployed, or undeployed)."""
    agent = get_agent_for_key(request, agentId)
    environments = Environment.objects.filter(agent=agent).select_related(
        "active_deployment__version", "active_deployment__created_by"
    )
    by_name = {environment.name: environment.active_deployment for environment in environments}
    return {
        "activeDeployments": {
            name: deployment_json(by_name[name]) if by_name.get(name) else None
            for name in ENVIRONMENT_ORDER
        }
    }


@api.post(
    "/agents/{agentId}/deployments/publish",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Publish the current draft to an environment",
)
@idempotent
def publish(
    request,
    agentId: str,
    payload: PublishBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Publish the draft as a new version (or reuse the latest version when the draft is
    unchanged) and deploy it to `environment` (sandbox by default). Publishing an unchanged
    draft that is already active there returns the active deployment and creates nothing,
    so CI can call this on every merge."""
    agent = get_agent_for_key(request, agentId)
    payload = payload or PublishBody()
    deployment, _ = deployment_publish(
        actor=request.actor,
        agent=agent,
        environment=payload.environment,
        message=payload.deploymentMessage,
    )
    return mutation_json(deployment)


@api.post(
    "/agents/{agentId}/deployments/undeploy",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Take an environment offline",
)
@idempotent
def undeploy(
    request,
    agentId: str,
    payload: UndeployBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Leave `environment` (live by default) with no active version. Its history stays;
    the answer is the `undeploy` record. Needs an ops or admin key."""
    agent = get_agent_for_key(request, agentId)
    payload = payload or UndeployBody()
    deployment = deployment_undeploy(
        actor=request.actor,
        agent=agent,
        environment=payload.environment,
        message=payload.deploymentMessage,
    )
    return mutation_json(deployment)


@api.post(
    "/agents/{agentId}/deployments/{deploymentId}/promote",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Promote a deployment to the next environment",
)
@idempotent
def promote(
    request,
    agentId: str,
    deploymentId: str,
    payload: PromoteBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Deploy this deployment's version to the next environment, or to `targetEnvironment`.
    The API call is the explicit confirmation a promotion to live needs in the dashboard;
    only ops and admin keys may promote to live (403 otherwise)."""
    agent = get_agent_for_key(request, agentId)
    deployment = get_deployment_for_key(agent, deploymentId)
    payload = payload or PromoteBody()
    promoted = deployment_promote(
        actor=request.actor,
        deployment=deployment,
        target_environment=payload.targetEnvironment,
        message=payload.deploymentMessage,
        confirmed=True,
    )
    return mutation_json(promoted)


@api.post(
    "/agents/{agentId}/deployments/{deploymentId}/rollback",
    response={200: MutationDeploymentOut, **WRITE_ERRORS},
    tags=["deployments"],
    summary="Rollback to a previous deployment",
)
@idempotent
def rollback(
    request,
    agentId: str,
    deploymentId: str,
    payload: RollbackBody = Body(None),  # noqa: B008
    idempotency_key: str | None = IdempotencyKey,
):
    """Roll the deployment's environment back. For the active deployment: back to the
    version active before it. For an older record: back to that record's version. Either
    way a new `rollback` record is appended. Needs an ops or admin key."""
    agent = get_agent_for_key(request, agentId)
    deployment = get_deployment_for_key(agent, deploymentId)
    payload = payload or RollbackBody()
    rolled_back = deployment_rollback(
        actor=request.actor, deployment=deployment, message=payload.deploymentMessage
    )
    return mutation_json(rolled_back)


# --- Configuration as code: draft, versions, compare ------------------------------------


class DraftDocumentIn(Schema):
    """Any JSON object: the configuration is validated by the one configuration schema, so
    that its errors come back per field (`error.fields`)."""

    model_config = ConfigDict(extra="allow")


@api.get(
    "/agents/{agentId}/draft",
    response={200: DraftOut, 401: ErrorEnvelope, 404: ErrorEnvelope},
    tags=["config"],
    summary="Get the draft configuration",
)
def get_draft(request, response: HttpResponse, agentId: str):
    """The draft's canonical document. The `ETag` header identifies this revision: send it
    back as `If-Match` when you PUT a new document."""
    agent = get_agent_for_key(request, agentId)
    response["ETag"] = draft_etag(agent)
    return draft_json(agent)


def _parse_etag(value: str) -> tuple[int, str] | None:
    value = value.strip().removeprefix("W/").strip('"')
    revision, _, sha_prefix = value.partition("-")
    if not revision.isdigit() or len(revision) > 9 or not sha_prefix:
        return None
    return int(revision), sha_prefix


@api.put(
    "/agents/{agentId}/draft",
    response={
        200: DraftOut,
        400: ErrorEnvelope,
        401: ErrorEnvelope,
        403: ErrorEnvelope,
        404: ErrorEnvelope,
        412: ErrorEnvelope,
        422: ErrorEnvelope,
        428: ErrorEnvelope,
    },
    tags=["config"],
    summary="Replace the draft configuration",
)
def put_draft(
    request,
    response: HttpResponse,
    agentId: str,
    document: DraftDocumentIn,
    if_match: str | None = Header(
        None, alias="If-Match", description="The ETag of the draft this document is based on."
    ),
):
    """Replace the draft with a validated configuration document (the shape GET returns in
    `document`). Requires `If-Match`: 428 without it, 412 when someone saved since."""
    agent = get_agent_for_key(request, agentId)
    if not if_match:
        return error_response(
            request,
            428,
            "precondition_required",
            "Send the draft's ETag (from GET .../draft) in an If-Match header.",
        )
    parsed = _parse_etag(if_match)
    if parsed is None or draft_etag(agent) != f'"{parsed[0]}-{parsed[1]}"':
        return _stale(request, agent)
    # Ninja has checked that the body is a JSON object; the configuration schema checks
    # the rest (read from the body itself: the placeholder model keeps no fields).
    raw = json.loads(request.body)
    if path := unstorable_json_path(raw):
        raise InvalidInput(
            "The configuration is not valid.",
            errors={path: "contains characters or numbers that cannot be stored"},
        )
    try:
        agent = draft_save(
            actor=request.actor,
            agent=agent,
            document=raw,
            base_revision=parsed[0],
            summary="via API",
        )
    except StaleRevision:
        return _stale(request, agent)
    response["ETag"] = draft_etag(agent)
    return draft_json(agent)


def _stale(request, agent: Agent):
    agent.refresh_from_db()
    who = actor_label(agent.draft_updated_by) if agent.draft_updated_by_id else "someone"
    return error_response(
        request,
        412,
        "precondition_failed",
        f"The draft changed since this ETag (last saved by {who} at "
        f"{iso_utc(agent.draft_updated_at)}). GET it again and reapply your change.",
    )


@api.get(
    "/agents/{agentId}/versions",
    response={200: VersionListOut, **READ_ERRORS},
    tags=["config"],
    summary="List versions, newest first",
)
def list_versions(
    request,
    agentId: str,
    limit: int = Query(
        DEFAULT_LIMIT, ge=1, description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})"
    ),
    before: int | None = Query(
        None, ge=1, description="Only versions numbered below this (from `nextBefore`)"
    ),
):
    """The agent's published versions, newest first, a page at a time."""
    agent = get_agent_for_key(request, agentId)
    limit = min(limit, MAX_LIMIT)
    versions = Version.objects.filter(agent=agent).select_related("author").defer("document")
    if before is not None:
        versions = versions.filter(number__lt=min(before, MAX_INT))
    page = list(versions.order_by("-number")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return {
        "versions": [version_json(version) for version in page],
        "nextBefore": page[-1].number if has_more else None,
    }


@api.get(
    "/agents/{agentId}/versions/{number}",
    response={200: VersionDetailOut, **READ_ERRORS},
    tags=["config"],
    summary="Get one version with its document",
)
def get_version(request, agentId: str, number: int = Path(..., ge=1)):
    """One published version, including its (immutable) configuration document."""
    agent = get_agent_for_key(request, agentId)
    version = (
        Version.objects.filter(agent=agent, number=number).select_related("author").first()
        if number <= MAX_INT
        else None
    )
    if version is None:
        raise Http404("No version with this number.")
    return {**version_json(version), "document": version.document}


@api.get(
    "/agents/{agentId}/compare",
    response={200: CompareOut, **READ_ERRORS},
    tags=["config"],
    summary="Compare two versions or environments",
    by_alias=True,
)
def compare(
    request,
    agentId: str,
    from_: str = Query(
        ..., alias="from", description="draft, a version (v3 or 3), sandbox, pre-release or live"
    ),
    to: str = Query(..., description="Same choices as `from`"),
):
    """What changed from one side to the other, as the compare pages show it."""
    agent = get_agent_for_key(request, agentId)
    # The same JSON as the dashboard's compare.json: one diff function, one shape.
    return comparison_json(resolve_ref(agent, from_), resolve_ref(agent, to))


from deployments.numbers_api import numbers_router  # noqa: E402 - routers register last

api.add_router("", numbers_router)
