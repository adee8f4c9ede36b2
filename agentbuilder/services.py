"""State changes of workspaces, members, agents and drafts. One function per transition."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from agentbuilder import policy
from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.config import ConfigError, default_document, document_sha256, validate_document
from agentbuilder.errors import InvalidInput, NotAllowed, StaleRevision
from agentbuilder.models import Agent, Membership, Role, Workspace
from deployments import routing as call_routing


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


def _ensure_may(actor: Actor, action: str) -> None:
    if not policy.may(actor.role, action):
        raise NotAllowed(policy.why_not(action))


def _invalid_config(error: ConfigError) -> InvalidInput:
    return InvalidInput("The configuration is not valid.", errors=error.errors)


@transaction.atomic
def agent_create(
    *, actor: Actor, workspace: Workspace, name: str, document: dict | None = None
) -> Agent:
    """Create an agent with a draft (default or given) and its three environments."""
    from deployments.models import ENVIRONMENT_ORDER, Environment

    _ensure_may(actor, "draft.edit")
    raw = document if document is not None else default_document(name)
    raw = {**raw, "profile": {**raw.get("profile", {}), "name": name}}
    try:
        canonical = validate_document(raw)
    except ConfigError as error:
        raise _invalid_config(error) from None
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
    for environment_name in ENVIRONMENT_ORDER:
        environment = Environment(agent=agent, name=environment_name)
        track(environment, actor=actor, action="agents.create")
        environment.save()
    return agent


def lock_agent(agent: Agent) -> Agent:
    """Re-read `agent` with a row lock. Every draft, version and deployment change of one
    agent takes this lock first, so they are applied one at a time and in one order
    (which also rules out deadlocks between them)."""
    return Agent.objects.select_for_update().get(pk=agent.pk)


def _replace_draft(
    *, actor: Actor, agent: Agent, canonical: dict[str, Any], action: str, detail: str
) -> Agent:
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
    transaction.on_commit(lambda: call_routing.invalidate_agent(agent.pk))
    return agent


@transaction.atomic
def draft_save(
    *, actor: Actor, agent: Agent, document: dict[str, Any], base_revision: int, summary: str = ""
) -> Agent:
    """Replace the draft with `document` if nobody saved since `base_revision`.

    Raises InvalidInput (nothing written) for a bad document and StaleRevision, naming who
    saved in between and when, if the draft moved on.
    """
    _ensure_may(actor, "draft.edit")
    try:
        canonical = validate_document(document)
    except ConfigError as error:
        raise _invalid_config(error) from None
    agent = lock_agent(agent)
    if agent.draft_revision != base_revision:
        raise stale_revision_error(agent)
    if document_sha256(canonical) == agent.draft_sha256:
        return agent
    return _replace_draft(
        actor=actor, agent=agent, canonical=canonical, action="drafts.save", detail=summary
    )


def stale_revision_error(agent: Agent) -> StaleRevision:
    who = agent.draft_updated_by.get_username() if agent.draft_updated_by else "someone"
    when = timezone.localtime(agent.draft_updated_at).strftime("%H:%M:%S on %d %b %Y")
    return StaleRevision(f"Changed by {who} at {when} — reload to see their change.")


@transaction.atomic
def draft_discard(*, actor: Actor, agent: Agent, base_revision: int | None = None) -> Agent:
    """Revert the draft to the latest published version (the banner's Delete).

    With `base_revision`, refuses (StaleRevision) if someone saved since the user looked,
    so Delete never throws away a colleague's edit the user has not seen."""
    from versions.models import Version

    _ensure_may(actor, "draft.edit")
    agent = lock_agent(agent)
    if base_revision is not None and agent.draft_revision != base_revision:
        raise stale_revision_error(agent)
    latest = Version.objects.filter(agent=agent).order_by("-number").first()
    if latest is None:
        raise InvalidInput("Nothing has been published yet, so there is no version to revert to.")
    if latest.sha256 == agent.draft_sha256:
        return agent
    return _replace_draft(
        actor=actor,
        agent=agent,
        canonical=latest.document,
        action="drafts.discard",
        detail=f"to V{latest.number}",
    )


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
