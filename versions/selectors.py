"""Reads of versions shared by the HTML views and the API."""

import re
from dataclasses import dataclass
from typing import Any

from agentbuilder import hooks
from agentbuilder.errors import InvalidInput
from agentbuilder.models import Agent
from versions.models import Version

VERSION_REF = re.compile(r"^[vV]?(\d{1,9})$")


@dataclass(frozen=True)
class ResolvedRef:
    """One side of a comparison: what the user picked and the document it stands for."""

    ref: str  # normalised: "draft", "v3", "sandbox", "pre-release", "live"
    label: str  # "Draft", "V3 Launch menu", "Live (V3)", "Live (nothing deployed)"
    document: dict[str, Any] | None  # None when an environment has nothing deployed
    version: Version | None


@dataclass(frozen=True)
class NamedRef:
    """A side that higher apps let a comparison name (the `agent_refs` hook): deployments'
    environments. `version` is the one there now, None when nothing is."""

    ref: str  # "sandbox", "pre-release", "live"
    label: str  # "Sandbox"
    version: Version | None

    @property
    def choice_label(self) -> str:
        return f"{self.label} ({f'V{self.version.number}' if self.version else 'nothing deployed'})"

    def resolved(self) -> ResolvedRef:
        if self.version is None:
            return ResolvedRef(self.ref, f"{self.label} (nothing deployed)", None, None)
        return ResolvedRef(self.ref, self.choice_label, self.version.document, self.version)


def named_refs(agent: Agent) -> list[NamedRef]:
    """Every named side of `agent`, in the order the pickers list them."""
    return [named for refs in hooks.run("agent_refs", agent=agent) for named in refs]


def resolve_ref(agent: Agent, ref: str) -> ResolvedRef:
    """Turn "draft", "v3"/"3", or a named side (an environment) into a document of `agent`.

    Raises InvalidInput (code "unknown_ref") for anything else or an unknown version.
    """
    ref = (ref or "").strip()
    if ref.lower() == "draft":
        return ResolvedRef("draft", "Draft", agent.draft_document, None)
    match = VERSION_REF.match(ref)
    if match:
        version = Version.objects.filter(agent=agent, number=int(match.group(1))).first()
        if version is None:
            raise InvalidInput(f"Version {ref} does not exist.", code="unknown_ref")
        return ResolvedRef(
            f"v{version.number}", f"V{version.number} {version.name}", version.document, version
        )
    named = named_refs(agent)
    for side in named:
        if side.ref == ref:
            return side.resolved()
    names = [side.ref for side in named]
    choices = ", ".join(["draft", "a version such as v3", *names[:-1]])
    raise InvalidInput(
        f"Cannot compare {ref!r}: use {choices} or {names[-1] if names else 'v1'}.",
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
    choices = [RefChoice("draft", "Draft")]
    choices += [RefChoice(named.ref, named.choice_label) for named in named_refs(agent)]
    versions = Version.objects.filter(agent=agent).only("number", "name").order_by("-number")
    latest = list(versions[: limit + 1])
    choices += [RefChoice(f"v{v.number}", f"V{v.number} {v.name}") for v in latest[:limit]]
    return CompareChoices(choices=choices, has_older=len(latest) > limit)


def compare_default_refs(agent: Agent) -> tuple[str, str]:
    """With no choice in the URL: the latest version vs Draft; with no version yet, the last
    named side (Live) vs Draft."""
    latest = Version.objects.filter(agent=agent).order_by("-number").values("number").first()
    if latest:
        return f"v{latest['number']}", "draft"
    named = named_refs(agent)
    return (named[-1].ref if named else "draft"), "draft"
