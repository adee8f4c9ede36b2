"""The Agents API's error envelope: {"error": {"code", "message", "fields"?}}, the one
shape of every error it answers, whichever layer raised it (endpoint, ninja, middleware)."""

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

from agentbuilder.errors import error_envelope

RENDERER = JSONRenderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


def render_json(request, body, status: int) -> str:
    """A body as the API renders it (what an idempotent replay sends again)."""
    return RENDERER.render(request, body, response_status=status)


def error_response(request, status: int, code: str, message: str, **extra) -> HttpResponse:
    body = error_envelope(code, message, **extra)
    return HttpResponse(
        render_json(request, body, status), status=status, content_type=CONTENT_TYPE
    )
