"""Template tags of an agent's pages: `{% load agent_tags %}{% draft_banner agent %}`."""

from typing import Any

from django import template

from agentbuilder.forms import PublishForm
from agentbuilder.models import Agent
from versions.compare import change_summary
from versions.models import Version

register = template.Library()


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


@register.inclusion_tag("agentbuilder/partials/draft_banner.html", takes_context=True)
def draft_banner(context, agent: Agent):
    """The draft banner with Delete and Publish, shown while the draft differs from the latest
    published version (compared by hash), or while nothing has been published."""
    return {**banner_context(agent), "csrf_token": context.get("csrf_token")}
