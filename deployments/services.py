"""State changes of the deployment pipeline: publish, promote, rollback, undeploy.

Every function locks the agent row first (agentbuilder.services.lock_agent), then the
environment row it moves, appends one Deployment and moves the environment's pointer, all
in one transaction. The `agent_changed` hook runs after commit (telephony forgets its cached
routing answers then), so no caller can read a routing answer older than an action that has
returned.
"""

from django.db import transaction
from django.db.models import Max

from agentbuilder import hooks, policy
from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.errors import InvalidInput, RuleViolation
from agentbuilder.models import Agent
from agentbuilder.services import lock_agent
from deployments.models import (
    ENVIRONMENT_ORDER,
    Deployment,
    DeploymentAction,
    Environment,
    EnvironmentName,
)
from versions.models import Version
from versions.services import version_publish

MESSAGE_MAX_LENGTH = 2000


def environment_label(name: str) -> str:
    return EnvironmentName(name).label


def environment_after(name: str) -> str | None:
    """The next environment in the pipeline, or None after Live."""
    index = ENVIRONMENT_ORDER.index(name)
    return ENVIRONMENT_ORDER[index + 1] if index + 1 < len(ENVIRONMENT_ORDER) else None


def parse_environment(name: str | None, *, field: str = "environment") -> str:
    if name not in EnvironmentName.values:
        raise InvalidInput(
            f"Unknown environment {name!r}: use sandbox, pre-release or live.",
            errors={field: "Choose sandbox, pre-release or live."},
            code="unknown_environment",
        )
    return name


def _clean_message(message: str | None) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            "The deployment message is too long.",
            errors={"message": f"Use at most {MESSAGE_MAX_LENGTH:,} characters."},
            code="message_too_long",
        )
    return message


def _append_deployment(
    *,
    actor: Actor,
    agent: Agent,
    environment_name: str,
    version: Version,
    action: str,
    message: str,
    source: Deployment | None = None,
) -> Deployment:
    """Append a record to the environment's line and move its pointer. Caller holds the
    agent lock."""
    environment = Environment.objects.select_for_update().get(agent=agent, name=environment_name)
    last_sequence = Deployment.objects.filter(agent=agent, environment=environment_name).aggregate(
        last=Max("sequence")
    )["last"]
    deployment = Deployment(
        agent=agent,
        environment=environment_name,
        sequence=(last_sequence or 0) + 1,
        version=version,
        action=action,
        message=message,
        created_by=actor.user,
        previous_active_id=environment.active_deployment_id,
        source=source,
    )
    track(deployment, actor=actor, action=f"deployments.{action}", detail=message)
    deployment.save()
    environment.active_deployment = None if action == DeploymentAction.UNDEPLOY else deployment
    track(environment, actor=actor, action=f"deployments.{action}", detail=message)
    environment.save()
    hooks.run_on_commit("agent_changed", agent_id=agent.pk)
    return deployment


def _lock_for(deployment: Deployment) -> tuple[Agent, Deployment]:
    """Lock `deployment`'s agent, then re-read the deployment with its version (without the
    version's document, which this never needs)."""
    agent = lock_agent(deployment.agent)
    deployment = (
        Deployment.objects.select_related("version")
        .defer("version__document")
        .get(pk=deployment.pk)
    )
    return agent, deployment


def active_deployment(agent: Agent, environment_name: str) -> Deployment | None:
    # The version's document is not needed here, and can be hundreds of kilobytes.
    environment = (
        Environment.objects.select_related("active_deployment__version")
        .defer("active_deployment__version__document")
        .get(agent=agent, name=environment_name)
    )
    return environment.active_deployment


@transaction.atomic
def deployment_publish(
    *,
    actor: Actor,
    agent: Agent,
    environment: str = EnvironmentName.SANDBOX,
    message: str = "",
    version_name: str = "",
    version_description: str = "",
    base_revision: int | None = None,
) -> tuple[Deployment, bool]:
    """Publish the draft (a new version, or the latest one when the draft is unchanged) and
    deploy it to `environment`, Sandbox by default. Returns (deployment, created).

    If the draft is unchanged and its version is already active in the environment, nothing
    is written and the active deployment is returned, so CI can publish on every merge.
    """
    environment = parse_environment(environment)
    message = _clean_message(message)
    policy.ensure_may_deploy_to(actor, environment)
    agent = lock_agent(agent)
    version, _ = version_publish(
        actor=actor,
        agent=agent,
        name=version_name or message[:120],
        description=version_description or message,
        base_revision=base_revision,
    )
    current = active_deployment(agent, environment)
    if current is not None and current.version_id == version.pk:
        return current, False
    deployment = _append_deployment(
        actor=actor,
        agent=agent,
        environment_name=environment,
        version=version,
        action=DeploymentAction.PUBLISH,
        message=message,
    )
    return deployment, True


@transaction.atomic
def deployment_promote(
    *,
    actor: Actor,
    deployment: Deployment,
    target_environment: str | None = None,
    message: str = "",
    confirmed: bool = False,
) -> Deployment:
    """Deploy `deployment`'s version to the next environment (or a later `target_environment`).

    A promotion to Live must be `confirmed` (the dialog's checkbox; an API call with a key
    allowed to do it counts as confirmation).
    """
    message = _clean_message(message)
    if target_environment is not None:
        target_environment = parse_environment(target_environment, field="targetEnvironment")
    agent, deployment = _lock_for(deployment)
    if deployment.action == DeploymentAction.UNDEPLOY:
        raise RuleViolation("An undeploy record has no version to promote.", code="not_promotable")
    source_index = ENVIRONMENT_ORDER.index(deployment.environment)
    if target_environment is None:
        target_environment = environment_after(deployment.environment)
        if target_environment is None:
            raise RuleViolation(
                "Live is the last environment: there is nothing to promote to.",
                code="promote_from_live",
            )
    elif ENVIRONMENT_ORDER.index(target_environment) <= source_index:
        raise RuleViolation(
            f"A version can only be promoted to a later environment than "
            f"{environment_label(deployment.environment)}.",
            code="promote_backwards",
        )
    policy.ensure_may_deploy_to(actor, target_environment)
    if target_environment == EnvironmentName.LIVE and not confirmed:
        raise RuleViolation(
            "Promoting to Live needs confirmation: tick “I understand and wish to continue”.",
            code="confirmation_required",
        )
    current = active_deployment(agent, target_environment)
    if current is not None and current.version_id == deployment.version_id:
        raise RuleViolation(
            f"V{deployment.version.number} is already active in "
            f"{environment_label(target_environment)}.",
            code="already_active",
        )
    return _append_deployment(
        actor=actor,
        agent=agent,
        environment_name=target_environment,
        version=deployment.version,
        action=DeploymentAction.PROMOTE,
        message=message,
        source=deployment,
    )


@transaction.atomic
def deployment_rollback(*, actor: Actor, deployment: Deployment, message: str = "") -> Deployment:
    """Roll `deployment`'s environment back.

    If `deployment` is the environment's active one, the environment returns to the version
    that was active before it (skipping records of the same version). If it is an older
    record, the environment returns to its version. Either way a new `rollback` record is
    appended; the draft is never touched.
    """
    message = _clean_message(message)
    policy.ensure_may(actor, "deployment.rollback")
    agent, deployment = _lock_for(deployment)
    if deployment.action == DeploymentAction.UNDEPLOY:
        raise RuleViolation("An undeploy record cannot be rolled back to.", code="not_rollbackable")
    current = active_deployment(agent, deployment.environment)
    label = environment_label(deployment.environment)
    if current is not None and current.pk == deployment.pk:
        target = deployment.previous_active
        while target is not None and target.version_id == deployment.version_id:
            target = target.previous_active
        if target is None:
            raise RuleViolation(
                f"There is nothing to roll back to: no earlier version was active in {label}.",
                code="nothing_to_roll_back_to",
            )
    else:
        target = deployment
        if current is not None and current.version_id == target.version_id:
            raise RuleViolation(
                f"V{target.version.number} is already active in {label}.", code="already_active"
            )
    return _append_deployment(
        actor=actor,
        agent=agent,
        environment_name=deployment.environment,
        version=target.version,
        action=DeploymentAction.ROLLBACK,
        message=message,
        source=target,
    )


@transaction.atomic
def deployment_undeploy(
    *, actor: Actor, agent: Agent, environment: str = EnvironmentName.LIVE, message: str = ""
) -> Deployment:
    """Take `environment` offline: it keeps its history but has no active version, so
    callers routed to it get nothing until something is deployed again."""
    environment = parse_environment(environment)
    message = _clean_message(message)
    policy.ensure_may(actor, "deployment.undeploy")
    agent = lock_agent(agent)
    current = active_deployment(agent, environment)
    if current is None:
        raise RuleViolation(
            f"Nothing is deployed in {environment_label(environment)}.", code="nothing_deployed"
        )
    return _append_deployment(
        actor=actor,
        agent=agent,
        environment_name=environment,
        version=current.version,
        action=DeploymentAction.UNDEPLOY,
        message=message,
        source=current,
    )
