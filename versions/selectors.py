"""Reads of versions shared by the HTML views and the API."""

import re
from dataclasses import dataclass
from typing import Any

from agentbuilder.errors import InvalidInput
from agentbuilder.models import Agent
from deployments.models import Environment, EnvironmentName
from versions.models import Version

VERSION_REF = re.compile(r"^[vV]?(\d{1,9})$")


@dataclass(frozen=True)
class ResolvedRef:
    """One side of a comparison: what the user picked and the document it stands for."""

    ref: str  # normalised: "draft", "v3", "sandbox", "pre-release", "live"
    label: str  # "Draft", "V3 Launch menu", "Live (V3)", "Live (nothing deployed)"
    document: dict[str, Any] | None  # None when an environment has nothing deployed
    version: Version | None


def resolve_ref(agent: Agent, ref: str) -> ResolvedRef:
    """Turn "draft", "v3"/"3", or an environment name into a document of `agent`.

    Raises InvalidInput (code "unknown_ref") for anything else or an unknown version.
    """
    ref = (ref or "").strip()
    if ref.lower() == "draft":
        return ResolvedRef("draft", "Draft", agent.draft_document, None)
    if ref in EnvironmentName.values:
        environment = Environment.objects.select_related("active_deployment__version").get(
            agent=agent, name=ref
        )
        label = EnvironmentName(ref).label
        deployment = environment.active_deployment
        if deployment is None:
            return ResolvedRef(ref, f"{label} (nothing deployed)", None, None)
        version = deployment.version
        return ResolvedRef(ref, f"{label} (V{version.number})", version.document, version)
    match = VERSION_REF.match(ref)
    if match:
        version = Version.objects.filter(agent=agent, number=int(match.group(1))).first()
        if version is None:
            raise InvalidInput(f"Version {ref} does not exist.", code="unknown_ref")
        return ResolvedRef(
            f"v{version.number}", f"V{version.number} {version.name}", version.document, version
        )
    raise InvalidInput(
        f"Cannot compare {ref!r}: use draft, a version such as v3, sandbox, pre-release or live.",
        code="unknown_ref",
    )


# --- Compare (issue 5) -----------------------------------------------------------------

COMPARE_PICKER_VERSIONS = 200


@dataclass(frozen=True)
class RefChoice:
    ref: str
    label: str


@dataclass(frozen=True)
class CompareChoices:
    choices: list[RefChoice]
    has_older: bool  # more versions exist than the pickers list


def compare_choices(agent: Agent, *, limit: int | None = None) -> CompareChoices:
    """What the Compare pickers offer: Draft, the environments with the version active in
    each, then the latest `limit` versions newest first. Two queries whatever the size."""
    limit = limit or COMPARE_PICKER_VERSIONS
    environments = {
        environment.name: environment
        for environment in Environment.objects.filter(agent=agent).select_related(
            "active_deployment__version"
        )
    }
    choices = [RefChoice("draft", "Draft")]
    for name in EnvironmentName:
        environment = environments.get(name.value)
        deployment = environment.active_deployment if environment else None
        suffix = f"V{deployment.version.number}" if deployment else "nothing deployed"
        choices.append(RefChoice(name.value, f"{name.label} ({suffix})"))
    versions = Version.objects.filter(agent=agent).only("number", "name").order_by("-number")
    latest = list(versions[: limit + 1])
    choices += [RefChoice(f"v{v.number}", f"V{v.number} {v.name}") for v in latest[:limit]]
    return CompareChoices(choices=choices, has_older=len(latest) > limit)


def compare_default_refs(agent: Agent) -> tuple[str, str]:
    """With no choice in the URL: the latest version (or Live when there is none) vs Draft."""
    latest = Version.objects.filter(agent=agent).order_by("-number").values("number").first()
    return (f"v{latest['number']}" if latest else EnvironmentName.LIVE.value, "draft")
