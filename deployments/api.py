"""The Agents API (`/v1/`): JSON over the same services the dashboard uses.

Authentication is the `x-api-key` header (a workspace-scoped key); errors always use the
envelope {"error": {"code": ..., "message": ...}}. Endpoints live in routers of their own
modules and are registered at the bottom of this file.
"""

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader

from agentbuilder.actors import Actor
from agentbuilder.errors import InvalidInput, ServiceError
from agentbuilder.models import Agent
from deployments.models import ApiKey
from deployments.services import api_key_hash


class ApiKeyAuth(APIKeyHeader):
    param_name = "x-api-key"

    def authenticate(self, request, key):
        """Return the ApiKey for a valid, unrevoked key; sets request.actor and
        request.workspace for the endpoint."""
        if not key:
            return None
        api_key = (
            ApiKey.objects.select_related("workspace", "user")
            .filter(key_hash=api_key_hash(key), revoked_at__isnull=True)
            .first()
        )
        if api_key is None:
            return None
        now = timezone.now()
        # Touch last_used_at at most once a minute: it is shown in the keys list, and
        # writing it on every call would make every read a write.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        request.api_key = api_key
        request.workspace = api_key.workspace
        request.actor = Actor(user=api_key.user, role=api_key.role, api_key_name=api_key.name)
        return api_key


api = NinjaAPI(
    title="Agent Release Console — Agents API",
    version="1",
    urls_namespace="api",
    auth=ApiKeyAuth(),
    description="Publish, promote and roll back agent versions from CI. Authenticate with `x-api-key`.",
)


class ErrorBody(Schema):
    code: str
    message: str


class ErrorEnvelope(Schema):
    error: ErrorBody


def error_response(request, status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    extra = {"fields": exc.errors} if isinstance(exc, InvalidInput) and exc.errors else {}
    return error_response(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(request, 401, "unauthorized", "A valid x-api-key header is required.")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = ".".join(
        str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")
    )
    message = first.get("msg", "Invalid input.")
    return error_response(
        request, 422, "invalid", f"{location}: {message}" if location else message
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, "http_error", str(exc))


def get_agent_for_key(request, agent_id: str) -> Agent:
    """The agent of the key's workspace with this id; 404 for unknown ids and for agents
    of other workspaces alike."""
    agent = Agent.objects.filter(pk=_uuid_or_none(agent_id), workspace=request.workspace).first()
    if agent is None:
        raise Http404("No agent with this id.")
    return agent


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class AgentOut(Schema):
    id: str
    name: str


class AgentListOut(Schema):
    agents: list[AgentOut]


@api.get("/agents", response={200: AgentListOut, 401: ErrorEnvelope}, tags=["agents"])
def list_agents(request):
    """The workspace's agents."""
    agents = Agent.objects.filter(workspace=request.workspace).order_by("name").only("id", "name")
    return {"agents": [{"id": str(agent.pk), "name": agent.name} for agent in agents]}


from deployments.numbers_api import numbers_router  # noqa: E402 - routers register last

api.add_router("", numbers_router)
