"""Lookup-and-access helpers: every view finds its objects through these.

Objects are always looked up inside the current workspace, so another workspace's object
is a 404 — indistinguishable from one that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render

from agentbuilder.actors import Actor
from agentbuilder.models import Agent
from agentbuilder.selectors import agent_in_workspace


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


def get_agent_for_member(request, agent_id, *, queryset=None) -> Agent:
    """The agent of the member's workspace with this id (from `queryset` when given, e.g.
    one with the status preloaded); 404 otherwise."""
    agent = agent_in_workspace(request.membership.workspace, agent_id, queryset=queryset)
    if agent is None:
        raise Http404("No agent with this id.")
    return agent


def agent_post(view):
    """A POST-only view of one agent, which it receives looked up in the member's workspace.

    The lookup comes before the method check, so another workspace's agent is a 404 for
    every method: a 405 would confirm that the agent exists.
    """

    @member_required
    @wraps(view)
    def wrapper(request, agent_id, *args, **kwargs):
        agent = get_agent_for_member(request, agent_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, agent, *args, **kwargs)

    return wrapper
