"""State changes of versions: publish (append a snapshot) and restore (copy one into the draft)."""

from django.db import transaction

from agentbuilder import policy
from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.errors import InvalidInput, NotAllowed
from agentbuilder.models import Agent
from agentbuilder.services import _replace_draft, lock_agent, stale_revision_error
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
    if not policy.may(actor.role, "version.publish"):
        raise NotAllowed(policy.why_not("version.publish"))
    name = name.strip()
    if len(name) > 120:
        raise InvalidInput(
            "The version name is too long.", errors={"name": "Use at most 120 characters."}
        )
    if len(description) > 2000:
        raise InvalidInput(
            "The description is too long.", errors={"description": "Use at most 2,000 characters."}
        )
    agent = lock_agent(agent)
    if base_revision is not None and agent.draft_revision != base_revision:
        raise stale_revision_error(agent)
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
    if not policy.may(actor.role, "version.restore"):
        raise NotAllowed(policy.why_not("version.restore"))
    agent = lock_agent(version.agent)
    if base_revision is not None and agent.draft_revision != base_revision:
        raise stale_revision_error(agent)
    if agent.draft_sha256 == version.sha256:
        return agent
    return _replace_draft(
        actor=actor,
        agent=agent,
        canonical=version.document,
        action="versions.restore",
        detail=f"V{version.number}",
    )
