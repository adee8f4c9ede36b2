"""What deployments contributes to other apps' pages through agentbuilder.hooks (registered
in deployments/apps.py): the draft banner, the status strip, the agent's environments as
sides of a comparison, and the environments a new agent gets."""

from typing import Any

from django.template.loader import render_to_string

from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.models import Agent
from deployments.forms import PublishForm
from deployments.models import ENVIRONMENT_ORDER, Environment
from deployments.selectors import agent_status, agents_with_status
from versions.compare import change_summary
from versions.models import Version
from versions.selectors import NamedRef

BANNER = "deployments/partials/draft_banner.html"
STATUS_STRIP = "deployments/partials/env_strip.html"


def environments_create(*, actor: Actor, agent: Agent) -> None:
    """The `agent_created` hook: a new agent gets its three environment pointers, empty."""
    for environment_name in ENVIRONMENT_ORDER:
        environment = Environment(agent=agent, name=environment_name)
        track(environment, actor=actor, action="agents.create")
        environment.save()


def banner_context(
    agent: Agent, *, oob: bool = False, publish_form: PublishForm | None = None
) -> dict[str, Any]:
    """What the draft banner shows: one query for the latest version (number, hash and
    document, which `change_summary` compares the draft against)."""
    latest = (
        Version.objects.filter(agent=agent)
        .only("number", "name", "sha256", "document", "agent_id")
        .order_by("-number")
        .first()
    )
    has_changes = latest is None or latest.sha256 != agent.draft_sha256
    if latest is None:
        summary = "Not published yet."
    elif has_changes:
        summary = change_summary(latest.document, agent.draft_document)
    else:
        summary = ""
    return {
        "agent": agent,
        "latest": latest,
        "show_banner": has_changes,
        "summary": summary,
        "oob": oob,
        "publish_form": publish_form
        or PublishForm(
            auto_id=f"publish_{agent.pk}_%s", initial={"base_revision": agent.draft_revision}
        ),
    }


def draft_banner(*, request, agent: Agent) -> str:
    """The `agent_page_top` hook: the draft banner with Delete and Publish, shown while the
    draft differs from the latest published version (compared by hash), or while nothing
    has been published."""
    return render_to_string(BANNER, banner_context(agent), request)


def draft_banner_oob(*, request, agent: Agent) -> str:
    """The `draft_saved_fragments` hook: the banner again, swapped in out of band."""
    return render_to_string(BANNER, banner_context(agent, oob=True), request)


def status_strip(*, request, agent: Agent, oob: bool) -> str:
    """The `agent_status` hook: Draft / Sandbox / Pre-release / Live (two queries)."""
    with_status = agents_with_status(agent.workspace_id).get(pk=agent.pk)
    return render_to_string(
        STATUS_STRIP, {"status": agent_status(with_status), "oob": oob}, request
    )


def environment_refs(*, agent: Agent) -> list[NamedRef]:
    """The `agent_refs` hook: each environment as a side of a comparison, with the version
    active there (one query)."""
    pointers = {
        environment.name: environment.active_deployment
        for environment in Environment.objects.filter(agent=agent).select_related(
            "active_deployment__version"
        )
    }
    refs = []
    for name in ENVIRONMENT_ORDER:
        deployment = pointers.get(name.value)
        refs.append(
            NamedRef(ref=name.value, label=name.label, version=deployment and deployment.version)
        )
    return refs
