"""`Idempotency-Key` for the Agents API's POST endpoints.

A CI job that retries a POST after a timeout must not publish or promote twice. When a
request carries `Idempotency-Key`, the first successful response is stored with a hash of
the request; a retry with the same key and the same request gets that response again
(with `Idempotent-Replayed: true`) and nothing runs. The same key with a different request
is refused (422 `idempotency_key_reused`). Failed requests are not stored (they changed
nothing), so a retry after a refusal runs again. Records expire after `RETENTION`: a key
can be reused after that, and the table does not grow without bound.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from api.errors import CONTENT_TYPE, error_response, render_json
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII, like Stripe's keys or UUIDs
RETENTION = timedelta(hours=24)


def request_fingerprint(request) -> str:
    """A hash of method, path and body; JSON bodies are compared by content, not by the
    spacing or key order of their text. An empty body counts as `{}`."""
    try:
        body = json.loads(request.body or b"{}")
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = request.body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), canonical):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def idempotent(view):
    """Decorate a POST endpoint (after ninja has validated its input).

    The whole endpoint runs in one transaction with the record's insert. A concurrent
    retry with the same key blocks on the unique index until that transaction ends: if it
    committed, the retry replays the stored response; if it rolled back, the retry runs.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view(request, *args, **kwargs)
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            # Expired records of this key holder go first (an indexed delete on api_key),
            # so an old key is free again and the table stays small.
            IdempotencyRecord.objects.filter(
                api_key=request.api_key, created_at__lt=timezone.now() - RETENTION
            ).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        api_key=request.api_key,
                        key=key,
                        request_hash=fingerprint,
                        method=request.method,
                        path=request.path[:500],
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.get(api_key=request.api_key, key=key)
                return _replay(request, existing, fingerprint)
            result = view(request, *args, **kwargs)
            status, body = result if isinstance(result, tuple) else (200, result)
            record.status = status
            record.response = _render(request, body, status)
            record.save(update_fields=["status", "response"])
        return result

    return wrapper


def _replay(request, record: IdempotencyRecord, fingerprint: str):
    if record.request_hash != fingerprint:
        return error_response(
            request,
            422,
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request ({record.method} {record.path}"
            " or another body). Use a new key for a new request.",
        )
    response = HttpResponse(record.response, status=record.status, content_type=CONTENT_TYPE)
    response["Idempotent-Replayed"] = "true"
    return response


def _render(request, body, status: int) -> str:
    return render_json(request, body, status)
