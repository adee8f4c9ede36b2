"""Errors that services raise. Views map them to form errors or toasts, the API to JSON.

Each carries a stable machine `code` and a sentence for people. `status` is the HTTP status
the API answers with.
"""


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotAllowed(ServiceError):
    """The actor's role may not do this."""

    status = 403
    code = "forbidden"


class RuleViolation(ServiceError):
    """The action breaks a pipeline rule (promote from Live, nothing to roll back to...)."""

    status = 409
    code = "conflict"


class StaleRevision(ServiceError):
    """Someone else saved the draft since the revision this change was based on."""

    status = 409
    code = "stale_revision"


class InvalidInput(ServiceError):
    """Input failed validation; `errors` maps a field path to a message."""

    status = 422
    code = "invalid"

    def __init__(
        self, message: str, *, errors: dict[str, str] | None = None, code: str | None = None
    ):
        super().__init__(message, code=code)
        self.errors = errors or {}


def error_envelope(code: str, message: str, **extra) -> dict:
    """The one JSON shape of an error, for the Agents API and every JSON view:
    {"error": {"code": ..., "message": ..., **extra}} (extra: e.g. `fields`)."""
    return {"error": {"code": code, "message": message, **extra}}
