"""State changes of versions: publish (append a snapshot), restore (copy one into the draft)
and discard (restore the latest one: the draft banner's Delete)."""

from django.db import transaction

from agentbuilder import policy
from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.errors import InvalidInput
from agentbuilder.models import Agent
from agentbuilder.services import draft_open, draft_replace, validated_document
from versions.models import Version


def latest_version(agent: Agent) -> Version | None:
    """The agent's newest version, without its document: publishing only compares hashes,
    and reading a large document back just to compare would double the cost of a publish."""
    return Version.objects.filter(agent=agent).defer("document").order_by("-number").first()


@transaction.atomic
def version_publish(
    *,
    actor: Actor,
    agent: Agent,
    name: str = "",
    description: str = "",
    base_revision: int | None = None,
) -> tuple[Version, bool]:
    """Freeze the draft as the next version. Returns (version, created).

    Publishing a draft identical to the latest version creates nothing and returns the
    latest. The agent row lock makes the number gapless and unique under concurrent
    publishes; the unique (agent, number) constraint backs it up. With `base_revision`,
    refuses (StaleRevision) if the draft moved on since the user looked at it, so nobody
    publishes a change they have not seen.
    """
    policy.ensure_may(actor, "version.publish")
    name = name.strip()
    if len(name) > 120:
        raise InvalidInput(
            "The version name is too long.", errors={"name": "Use at most 120 characters."}
        )
    if len(description) > 2000:
        raise InvalidInput(
            "The description is too long.", errors={"description": "Use at most 2,000 characters."}
        )
    agent = draft_open(
        actor=actor, agent=agent, action="version.publish", base_revision=base_revision
    )
    latest = latest_version(agent)
    if latest is not None and latest.sha256 == agent.draft_sha256:
        return latest, False
    number = latest.number + 1 if latest else 1
    version = Version(
        agent=agent,
        number=number,
        name=name or f"Version {number}",
        description=description.strip(),
        author=actor.user,
        document=agent.draft_document,
        sha256=agent.draft_sha256,
    )
    track(version, actor=actor, action="versions.publish", detail=f"V{number}")
    version.save()
    return version, True


@transaction.atomic
def version_restore(*, actor: Actor, version: Version, base_revision: int | None = None) -> Agent:
    """Overwrite the agent's draft with `version`'s document. The version is untouched.

    With `base_revision`, refuses (StaleRevision) if the draft moved on since the user
    looked at it, so a restore never silently discards a colleague's newer edit.
    """
    agent = draft_open(
        actor=actor, agent=version.agent, action="version.restore", base_revision=base_revision
    )
    if agent.draft_sha256 == version.sha256:
        return agent
    return draft_replace(
        actor=actor,
        agent=agent,
        canonical=validated_document(version.document),
        action="versions.restore",
        detail=f"V{version.number}",
    )


@transaction.atomic
def draft_discard(*, actor: Actor, agent: Agent, base_revision: int | None = None) -> Agent:
    """Revert the draft to the latest published version (the banner's Delete).

    With `base_revision`, refuses (StaleRevision) if someone saved since the user looked,
    so Delete never throws away a colleague's edit the user has not seen."""
    agent = draft_open(actor=actor, agent=agent, action="draft.edit", base_revision=base_revision)
    latest = Version.objects.filter(agent=agent).order_by("-number").first()
    if latest is None:
        raise InvalidInput("Nothing has been published yet, so there is no version to revert to.")
    if latest.sha256 == agent.draft_sha256:
        return agent
    return draft_replace(
        actor=actor,
        agent=agent,
        canonical=validated_document(latest.document),
        action="drafts.discard",
        detail=f"to V{latest.number}",
    )
