"""Reads of the deployment pipeline shared by the Deployments pages (and the API).

The Deployments page lists one environment's records newest first, 25 a page. Everything a
row needs (version, actor, which menu items apply and why others are disabled) is read in a
constant number of queries: the page's rows with their version and user joined, plus the
environment pointers the caller already loaded with `agents_with_status`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.timesince import timesince

from agentbuilder import policy
from agentbuilder.actors import actor_label
from agentbuilder.models import Agent, Workspace
from deployments.models import (
    ENVIRONMENT_ORDER,
    Deployment,
    DeploymentAction,
    Environment,
    EnvironmentName,
)
from versions.models import Version

PAGE_SIZE = 25


# --- The status of agents: the draft's state and each environment's version ------------


def agents_with_status(workspace: Workspace) -> QuerySet[Agent]:
    """The workspace's agents with what the overview strip needs, in a constant number of
    queries: the latest version's number and hash, and each environment's active version."""
    latest = Version.objects.filter(agent=OuterRef("pk")).order_by("-number")
    return (
        Agent.objects.filter(workspace=workspace)
        .annotate(
            latest_version_number=Subquery(latest.values("number")[:1]),
            latest_version_sha256=Subquery(latest.values("sha256")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "environments",
                queryset=Environment.objects.select_related(
                    "active_deployment__version", "active_deployment__created_by"
                ),
            )
        )
        .order_by("name")
    )


@dataclass(frozen=True)
class EnvironmentStatus:
    name: str
    label: str
    deployment: object | None

    @property
    def version(self):
        return self.deployment.version if self.deployment else None


@dataclass(frozen=True)
class AgentStatus:
    """The seeds' state diagram, made live: draft state plus each environment's version."""

    agent: Agent
    has_unpublished_changes: bool
    latest_version_number: int | None
    environments: list[EnvironmentStatus]


def agent_status(agent: Agent) -> AgentStatus:
    """Needs an agent from agents_with_status() (no further queries)."""
    by_name = {environment.name: environment for environment in agent.environments.all()}
    environments = []
    for name in ENVIRONMENT_ORDER:
        environment = by_name.get(name)
        environments.append(
            EnvironmentStatus(
                name=name,
                label=name.label,
                deployment=environment.active_deployment if environment else None,
            )
        )
    return AgentStatus(
        agent=agent,
        has_unpublished_changes=agent.latest_version_sha256 != agent.draft_sha256,
        latest_version_number=agent.latest_version_number,
        environments=environments,
    )


# --- The Deployments page -----------------------------------------------------------

# The tabs of the Deployments page, in pipeline order: (URL value, label).
TABS = [(name.value, name.label) for name in ENVIRONMENT_ORDER]


def parse_tab(value: str | None) -> str:
    """The tab named in the URL (`?tab=pre-release`), Sandbox for anything else."""
    return value if value in EnvironmentName.values else EnvironmentName.SANDBOX


def environment_deployments(agent: Agent, environment: str) -> QuerySet[Deployment]:
    """`agent`'s records in `environment`, newest first, with what a row shows joined."""
    return (
        Deployment.objects.filter(agent=agent, environment=environment)
        .select_related("version", "created_by", "source", "previous_active__version")
        .order_by("-sequence")
    )


@dataclass(frozen=True)
class RowAction:
    """One item of a row's overflow menu: enabled (opens `dialog_id`) or disabled with the
    reason people see on hover and focus."""

    key: str  # "promote-pre-release", "promote-live", "rollback"
    label: str
    dialog_id: str
    enabled: bool
    reason: str = ""
    target: str | None = None  # the environment a promotion goes to

    @property
    def target_label(self) -> str:
        return EnvironmentName(self.target).label if self.target else ""


@dataclass(frozen=True)
class DeploymentRow:
    deployment: Deployment
    is_active: bool
    actor: str
    actions: list[RowAction] = field(default_factory=list)
    # What Compare sets this row's version against (a versions.selectors ref), or None.
    compare_from: str | None = None

    @property
    def is_undeploy(self) -> bool:
        return self.deployment.action == DeploymentAction.UNDEPLOY

    @property
    def ago(self) -> str:
        """ "just now", "3 minutes ago", "2 days, 4 hours ago"."""
        created_at = self.deployment.created_at
        if timezone.now() - created_at < timedelta(minutes=1):
            return "just now"
        return f"{timesince(created_at)} ago"


def _promote_action(
    deployment: Deployment, target: str, role: str, active_versions: dict[str, object]
) -> RowAction | None:
    label = EnvironmentName(target).label
    key = f"promote-{target}"
    dialog_id = f"{key}-{deployment.pk}"
    if not policy.may_deploy_to(role, target):
        # Decision (docs/decisions.md): a builder does not see Promote to Live at all.
        return None
    if active_versions.get(target) == deployment.version_id:
        return RowAction(
            key,
            f"Promote to {label}",
            dialog_id,
            enabled=False,
            reason=f"V{deployment.version.number} is already active in {label}.",
            target=target,
        )
    return RowAction(key, f"Promote to {label}", dialog_id, enabled=True, target=target)


def _rollback_action(
    deployment: Deployment, *, is_active: bool, role: str, active_versions: dict[str, object]
) -> RowAction:
    dialog_id = f"rollback-{deployment.pk}"
    label = EnvironmentName(deployment.environment).label
    if not policy.may(role, "deployment.rollback"):
        return RowAction(
            "rollback",
            "Rollback",
            dialog_id,
            enabled=False,
            reason=policy.why_not("deployment.rollback"),
        )
    if is_active and deployment.previous_active_id is None:
        return RowAction(
            "rollback",
            "Rollback",
            dialog_id,
            enabled=False,
            reason=f"Nothing to roll back to: no earlier version was active in {label}.",
        )
    if not is_active and active_versions.get(deployment.environment) == deployment.version_id:
        return RowAction(
            "rollback",
            "Rollback",
            dialog_id,
            enabled=False,
            reason=f"V{deployment.version.number} is already active in {label}.",
        )
    return RowAction("rollback", "Rollback", dialog_id, enabled=True)


def deployment_row(
    deployment: Deployment, *, role: str, active_ids: dict[str, object], active_versions
) -> DeploymentRow:
    """What one row of the Deployments page shows. No queries: `deployment` comes from
    environment_deployments() and the active maps from the agent's environment pointers."""
    is_active = active_ids.get(deployment.environment) == deployment.pk
    actions: list[RowAction] = []
    if deployment.action != DeploymentAction.UNDEPLOY:
        index = ENVIRONMENT_ORDER.index(deployment.environment)
        for target in ENVIRONMENT_ORDER[index + 1 :]:
            action = _promote_action(deployment, target, role, active_versions)
            if action is not None:
                actions.append(action)
        actions.append(
            _rollback_action(
                deployment, is_active=is_active, role=role, active_versions=active_versions
            )
        )
    return DeploymentRow(
        deployment=deployment,
        is_active=is_active,
        actor=actor_label(deployment.created_by),
        actions=actions,
        compare_from=_compare_from(deployment, active_ids),
    )


def _compare_from(deployment: Deployment, active_ids: dict[str, object]) -> str | None:
    """Compare shows what promoting this row would change: its version against the next
    environment that has something deployed (usually the next one). With nothing deployed
    downstream, or on Live, it compares against the version before it instead."""
    if deployment.action == DeploymentAction.UNDEPLOY:
        return None
    index = ENVIRONMENT_ORDER.index(deployment.environment)
    for environment in ENVIRONMENT_ORDER[index + 1 :]:
        if active_ids.get(environment):
            return environment.value
    number = deployment.version.number
    return f"v{number - 1}" if number > 1 else None


@dataclass(frozen=True)
class EnvironmentTab:
    """One tab of the Deployments page: a page of rows plus the tab's own actions."""

    name: str
    label: str
    page: Page
    rows: list[DeploymentRow]
    active: Deployment | None
    may_undeploy: bool
    undeploy_reason: str


def environment_tab(agent: Agent, environment: str, *, role: str, page_number) -> EnvironmentTab:
    """A page of `environment`'s records for the Deployments page.

    `agent` must come from agents_with_status() (its environment
    pointers and their versions are prefetched): then this costs two queries whatever the
    number of records, the count and the page.
    """
    pointers = {env.name: env.active_deployment for env in agent.environments.all()}
    active_ids = {name: (d.pk if d else None) for name, d in pointers.items()}
    active_versions = {name: (d.version_id if d else None) for name, d in pointers.items()}
    paginator = Paginator(environment_deployments(agent, environment), PAGE_SIZE)
    page = paginator.get_page(page_number)
    rows = [
        deployment_row(d, role=role, active_ids=active_ids, active_versions=active_versions)
        for d in page.object_list
    ]
    may_undeploy = policy.may(role, "deployment.undeploy")
    return EnvironmentTab(
        name=environment,
        label=EnvironmentName(environment).label,
        page=page,
        rows=rows,
        active=pointers.get(environment),
        may_undeploy=may_undeploy,
        undeploy_reason="" if may_undeploy else policy.why_not("deployment.undeploy"),
    )
