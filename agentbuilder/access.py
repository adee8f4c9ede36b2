"""Lookup-and-access helpers: every view finds its objects through these.

Objects are always looked up inside the current workspace, so another workspace's object
is a 404 — indistinguishable from one that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from agentbuilder.actors import Actor
from agentbuilder.models import Agent


def member_required(view):
    """Signed in and a member of some workspace; sets request.workspace and request.role."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = request.membership
        if not membership:
            return render(request, "no_workspace.html", status=403)
        request.workspace = membership.workspace
        request.role = membership.role
        return view(request, *args, **kwargs)

    return wrapper


def actor_for(request) -> Actor:
    return Actor(user=request.user, role=request.membership.role)


def get_agent_for_member(request, agent_id) -> Agent:
    return get_object_or_404(Agent, pk=agent_id, workspace=request.membership.workspace)
