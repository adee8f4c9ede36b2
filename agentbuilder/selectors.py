"""Reads of the core shared by the HTML views and the API."""

import uuid

from django.db.models import QuerySet

from agentbuilder.models import Agent, Workspace


def parse_uuid(value) -> uuid.UUID | None:
    """`value` as a UUID, or None for anything that is not one (never an exception)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def agents_of(workspace: Workspace) -> QuerySet[Agent]:
    return Agent.objects.filter(workspace=workspace).order_by("name")


def agent_in_workspace(workspace: Workspace, agent_id, *, queryset=None) -> Agent | None:
    """The agent of `workspace` with this id (a UUID or its text), or None: an unknown id,
    a malformed one and another workspace's agent all read the same. Every way of looking
    up an agent (pages, API, forms naming an agent) goes through here."""
    pk = parse_uuid(agent_id)
    if pk is None:
        return None
    return (
        (queryset if queryset is not None else Agent.objects)
        .filter(pk=pk, workspace=workspace)
        .first()
    )
