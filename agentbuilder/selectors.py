"""Reads shared by the HTML views and the API."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from agentbuilder.models import Agent, Workspace
from deployments.models import ENVIRONMENT_ORDER, Environment
from versions.models import Version


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


def agent_with_status(workspace: Workspace, agent_id) -> Agent:
    return agents_with_status(workspace).get(pk=agent_id)


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
