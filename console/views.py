"""Pages that compose several apps: the Agents overview and the project history."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from agentbuilder.access import member_required
from agentbuilder.actors import actor_label
from agentbuilder.audit import label_for, split_reason
from agentbuilder.models import Agent
from console.selectors import history_entries
from deployments.selectors import agent_status, agents_with_status

HISTORY_PAGE_SIZE = 50


@member_required
def dashboard(request):
    statuses = [agent_status(agent) for agent in agents_with_status(request.workspace)]
    return render(request, "console/dashboard.html", {"statuses": statuses, "nav": "agents"})


FALLBACK_ACTIONS = {
    ("membership", "+"): "members.add",
    ("connection", "+"): "Connection added",
    ("connection", "~"): "Connection changed",
    ("connection", "-"): "Connection removed",
}


@member_required
def project_history(request):
    """Every change in the workspace, newest first: drafts, versions, deployments, number
    assignments, members, API keys, connections (never their secrets) and phone numbers."""
    agent_filter = request.GET.get("agent") or None
    agent_choices = list(Agent.objects.filter(workspace=request.workspace).values("pk", "name"))
    if agent_filter and agent_filter not in {str(a["pk"]) for a in agent_choices}:
        raise Http404("No such agent.")
    page = Paginator(history_entries(request.workspace, agent_filter), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    user_ids = {row["history_user_id"] for row in rows} | {row["user_ref"] for row in rows}
    users = get_user_model().objects.in_bulk(user_ids - {None})
    agent_names = {a["pk"]: a["name"] for a in agent_choices}
    entries = []
    for row in rows:
        action, detail = split_reason(row["history_change_reason"])
        if not action:
            action = FALLBACK_ACTIONS.get((row["kind"], row["history_type"]), "")
        if row["kind"] == "version":
            detail = row["subject"]  # the version's name; the number is the link
        elif row["kind"] == "membership":
            member = actor_label(users.get(row["user_ref"]))
            detail = f"{member} as {row['subject']}" + (f" ({detail})" if detail else "")
        entries.append(
            {
                **row,
                "who": actor_label(users.get(row["history_user_id"])),
                "action": action,
                "label": label_for(action) if action else "Changed",
                "detail": detail,
                "agent_name": agent_names.get(row["agent_ref"], ""),
            }
        )
    template = "console/history.html"
    if request.htmx and not request.htmx.boosted:
        template += "#history_list"
    return render(
        request,
        template,
        {
            "page": page,
            "entries": entries,
            "agent_choices": agent_choices,
            "agent_filter": agent_filter,
            "page_prefix": f"?{urlencode({'agent': agent_filter})}&" if agent_filter else "?",
            "nav": "history",
        },
    )
