"""The Agents API (`/v1/`): JSON over the same services the dashboard uses.

Authentication is the `x-api-key` header (a workspace-scoped key, api/auth.py); errors always
use the envelope {"error": {"code": ..., "message": ...}} (api/errors.py). The endpoints
live in routers, one module per capability under api/routers/, added at the bottom.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from agentbuilder.errors import InvalidInput, ServiceError
from api.auth import ApiKeyAuth
from api.errors import error_response
from api.routers.agents import router as agents_router
from api.routers.config import router as config_router
from api.routers.deployments import router as deployments_router
from api.routers.numbers import router as numbers_router

# The OpenAPI operation ids as first published, when the endpoints lived in the deployments
# app: clients generated from /v1/openapi.json keep their method names.
PUBLISHED_OPERATION_PREFIXES = {
    "api.routers.agents": "deployments_api",
    "api.routers.config": "deployments_api",
    "api.routers.deployments": "deployments_api",
    "api.routers.numbers": "deployments_numbers_api",
}


class AgentsApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        prefix = PUBLISHED_OPERATION_PREFIXES.get(module, module.replace(".", "_"))
        return f"{prefix}_{operation.view_func.__name__}"


api = AgentsApi(
    title="Agent Release Console — Agents API",
    version="1",
    urls_namespace="api",
    auth=ApiKeyAuth(),
    description=(
        "Publish, promote and roll back agent versions from CI. Authenticate with the "
        "`x-api-key` header (create keys on the API keys page). Every error is "
        '`{"error": {"code", "message"}}`. POST endpoints accept an `Idempotency-Key` header. '
        "See docs/api.md."
    ),
)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    extra = {"fields": exc.errors} if isinstance(exc, InvalidInput) and exc.errors else {}
    return error_response(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(request, 401, "unauthorized", "A valid x-api-key header is required.")


ENVIRONMENT_FIELDS = {"environment", "targetEnvironment"}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    code = "invalid"
    for error in exc.errors:
        parts = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "header", "payload")
        ]
        location = ".".join(parts) or "body"
        fields.setdefault(
            location, str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        )
        if parts and parts[-1] in ENVIRONMENT_FIELDS and error.get("type") == "literal_error":
            code = "unknown_environment"
    location, message = next(iter(fields.items()), ("", "Invalid input."))
    return error_response(request, 422, code, f"{location}: {message}", fields=fields)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return error_response(request, 400, "malformed_json", "The request body is not valid JSON.")
    return error_response(request, exc.status_code, "http_error", message)


@api.exception_handler(SuspiciousOperation)
def on_suspicious_operation(request, exc):
    # RequestDataTooBig and friends: Django would answer with an HTML 400 page.
    return error_response(request, 400, "bad_request", "The request is too large or malformed.")


# In the order the reference lists them (the OpenAPI document follows it).
api.add_router("", agents_router)
api.add_router("", deployments_router)
api.add_router("", config_router)
api.add_router("", numbers_router)
