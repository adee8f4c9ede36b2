"""State changes of workspaces, members, agents and drafts. One function per transition."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from agentbuilder import hooks, policy
from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.config import ConfigError, default_document, document_sha256, validate_document
from agentbuilder.errors import InvalidInput, StaleRevision
from agentbuilder.models import Agent, Membership, Role, Workspace


def workspace_create(*, name: str, slug: str) -> Workspace:
    """Create a workspace (used by seed_demo and admins)."""
    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": name})
    return workspace


def membership_set(*, workspace: Workspace, user, role: str) -> Membership:
    """Give `user` `role` in `workspace`, creating the membership if needed."""
    if role not in Role.values:
        raise InvalidInput(
            f"Unknown role {role!r}.", errors={"role": "Choose builder, ops or admin."}
        )
    membership, created = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save()
    return membership


def validated_document(document: Any) -> dict[str, Any]:
    """The canonical form of `document`, or InvalidInput with a message per field."""
    try:
        return validate_document(document)
    except ConfigError as error:
        raise InvalidInput("The configuration is not valid.", errors=error.errors) from None


@transaction.atomic
def agent_create(
    *, actor: Actor, workspace: Workspace, name: str, document: dict | None = None
) -> Agent:
    """Create an agent with a draft (default or given); the `agent_created` hook adds what
    higher apps keep per agent (deployments: its three environments)."""
    policy.ensure_may(actor, "draft.edit")
    raw = document if document is not None else default_document(name)
    canonical = validated_document({**raw, "profile": {**raw.get("profile", {}), "name": name}})
    if Agent.objects.filter(workspace=workspace, name=canonical["profile"]["name"]).exists():
        raise InvalidInput(
            "An agent with this name already exists.",
            errors={"profile.name": "Another agent in this workspace already has this name."},
        )
    agent = Agent(
        workspace=workspace,
        name=canonical["profile"]["name"],
        draft_document=canonical,
        draft_sha256=document_sha256(canonical),
        draft_updated_by=actor.user,
    )
    track(agent, actor=actor, action="agents.create")
    agent.save()
    hooks.run("agent_created", actor=actor, agent=agent)
    return agent


def lock_agent(agent: Agent) -> Agent:
    """Re-read `agent` with a row lock. Every draft, version and deployment change of one
    agent takes this lock first, so they are applied one at a time and in one order
    (which also rules out deadlocks between them)."""
    return Agent.objects.select_for_update().get(pk=agent.pk)


def draft_open(*, actor: Actor, agent: Agent, action: str, base_revision: int | None) -> Agent:
    """The opening every draft transition shares (save, discard, restore, publish): the
    policy check for `action`, the agent row lock, and, with `base_revision`, the stale
    check. Returns the agent re-read under the lock.

    Raises NotAllowed, or StaleRevision (naming who saved in between and when) if the draft
    moved on since the user looked at it, so nobody overwrites, discards or publishes a
    change they have not seen.
    """
    policy.ensure_may(actor, action)
    agent = lock_agent(agent)
    if base_revision is not None and agent.draft_revision != base_revision:
        raise stale_revision_error(agent)
    return agent


def draft_replace(
    *, actor: Actor, agent: Agent, canonical: dict[str, Any], action: str, detail: str = ""
) -> Agent:
    """Make `canonical` (from validated_document) the draft of `agent`, which the caller
    opened with draft_open. A document identical to the draft changes nothing."""
    if document_sha256(canonical) == agent.draft_sha256:
        return agent
    new_name = canonical["profile"]["name"]
    if (
        new_name != agent.name
        and Agent.objects.filter(workspace_id=agent.workspace_id, name=new_name)
        .exclude(pk=agent.pk)
        .exists()
    ):
        raise InvalidInput(
            "An agent with this name already exists.",
            errors={"profile.name": "Another agent in this workspace already has this name."},
        )
    agent.name = new_name
    agent.draft_document = canonical
    agent.draft_sha256 = document_sha256(canonical)
    agent.draft_revision += 1
    agent.draft_updated_by = actor.user
    track(agent, actor=actor, action=action, detail=detail)
    try:
        with transaction.atomic():
            agent.save()
    except IntegrityError:
        raise InvalidInput(
            "An agent with this name already exists.",
            errors={"profile.name": "Another agent in this workspace already has this name."},
        ) from None
    # Numbers that route to the Draft must answer with the new draft once this commits.
    hooks.run_on_commit("agent_changed", agent_id=agent.pk)
    return agent


@transaction.atomic
def draft_save(
    *, actor: Actor, agent: Agent, document: dict[str, Any], base_revision: int, summary: str = ""
) -> Agent:
    """Replace the draft with `document` if nobody saved since `base_revision`.

    Raises InvalidInput (nothing written) for a bad document and StaleRevision, naming who
    saved in between and when, if the draft moved on.
    """
    policy.ensure_may(actor, "draft.edit")
    # Validated before the lock: a large document's validation never holds up other writers.
    canonical = validated_document(document)
    agent = draft_open(actor=actor, agent=agent, action="draft.edit", base_revision=base_revision)
    return draft_replace(
        actor=actor, agent=agent, canonical=canonical, action="drafts.save", detail=summary
    )


def stale_revision_error(agent: Agent) -> StaleRevision:
    who = agent.draft_updated_by.get_username() if agent.draft_updated_by else "someone"
    when = timezone.localtime(agent.draft_updated_at).strftime("%H:%M:%S on %d %b %Y")
    return StaleRevision(f"Changed by {who} at {when} — reload to see their change.")


def user_create(*, username: str, password: str | None, email: str = "", is_active: bool = True):
    """Create or update a user (seed data, API key bot users)."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.is_active = is_active
    user.save()
    return user
