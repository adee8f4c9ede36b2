"""The agent editor's views (issue: agent editor)."""

from django.shortcuts import render

from agentbuilder.access import get_agent_for_member, member_required
from agentbuilder.selectors import agent_status, agent_with_status


@member_required
def agent_detail(request, agent_id):
    get_agent_for_member(request, agent_id)
    agent = agent_with_status(request.workspace, agent_id)
    return render(
        request,
        "agentbuilder/agent_detail.html",
        {"agent": agent, "status": agent_status(agent), "nav": "agents"},
    )
