"""Who calls the Agents API (the `x-api-key` header) and the lookups every endpoint uses:
objects are found inside the key's workspace, 404 otherwise."""

from django.http import Http404
from django.utils import timezone
from ninja.security import APIKeyHeader

from agentbuilder.actors import Actor
from agentbuilder.models import Agent
from agentbuilder.selectors import agent_in_workspace, parse_uuid
from api.keys import api_key_for_hash, should_touch
from api.models import ApiKey
from api.services import api_key_hash
from deployments.models import Deployment


class ApiKeyAuth(APIKeyHeader):
    param_name = "x-api-key"

    def authenticate(self, request, key):
        """Return the ApiKey for a valid, unrevoked key; sets request.actor and
        request.workspace for the endpoint."""
        if not key:
            return None
        api_key = api_key_for_hash(api_key_hash(key))
        if api_key is None:
            return None
        now = timezone.now()
        # Touch last_used_at at most once a minute: it is shown in the keys list, and
        # writing it on every call would make every read a write. (update() skips history
        # on purpose: last_used_at is not part of the key's history.)
        recent = api_key.last_used_at and (now - api_key.last_used_at).total_seconds() <= 60
        if not recent and should_touch(api_key):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        request.api_key = api_key
        request.workspace = api_key.workspace
        request.actor = Actor(user=api_key.user, role=api_key.role, api_key_name=api_key.name)
        return api_key


def get_agent_for_key(request, agent_id: str) -> Agent:
    """The agent of the key's workspace with this id; 404 for unknown ids and for agents
    of other workspaces alike."""
    agent = agent_in_workspace(request.workspace, agent_id)
    if agent is None:
        raise Http404("No agent with this id.")
    return agent


def get_deployment_for_key(agent: Agent, deployment_id: str) -> Deployment:
    """A deployment of `agent` (already scoped to the key's workspace); 404 for unknown ids
    and for deployments of other agents alike."""
    deployment = (
        Deployment.objects.select_related("agent", "version")
        .filter(pk=parse_uuid(deployment_id), agent=agent)
        .first()
    )
    if deployment is None:
        raise Http404("No deployment with this id for this agent.")
    return deployment
