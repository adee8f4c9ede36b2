from django.shortcuts import render

from agentbuilder.access import member_required
from agentbuilder.selectors import agent_status, agents_with_status


@member_required
def deployments_index(request):
    statuses = [agent_status(agent) for agent in agents_with_status(request.workspace)]
    return render(request, "deployments/index.html", {"statuses": statuses, "nav": "deployments"})


@member_required
def api_keys_index(request):
    return render(request, "deployments/api_keys.html", {"nav": "api_keys"})
