"""Template tags of every agent page: the parts that higher apps render through hooks.

{% load agent_tags %}
{% agent_page_top agent %}   the top of the page (the draft banner, from deployments)
{% agent_status agent %}     the status strip (Draft / Sandbox / Pre-release / Live)
"""

from django import template
from django.utils.safestring import mark_safe

from agentbuilder import hooks
from agentbuilder.models import Agent

register = template.Library()


@register.simple_tag(takes_context=True)
def agent_page_top(context, agent: Agent) -> str:
    """What the `agent_page_top` hook renders: the HTML is the hooks' own, already escaped
    by their templates."""
    return mark_safe(hooks.render("agent_page_top", request=context.get("request"), agent=agent))  # noqa: S308


@register.simple_tag(takes_context=True)
def agent_status(context, agent: Agent) -> str:
    return mark_safe(  # noqa: S308
        hooks.render("agent_status", request=context.get("request"), agent=agent, oob=False)
    )
