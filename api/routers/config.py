"""Configuration as code: the draft (with ETag / If-Match), versions and
compare."""

import json

from django.http import Http404, HttpResponse
from ninja import Header, Path, Query, Router, Schema
from pydantic import ConfigDict

from agentbuilder.actors import actor_label
from agentbuilder.errors import InvalidInput, StaleRevision
from agentbuilder.models import Agent
from agentbuilder.services import draft_save
from api.auth import get_agent_for_key
from api.errors import error_response
from api.schemas import (
    READ_ERRORS,
    CompareOut,
    DraftOut,
    ErrorEnvelope,
    VersionDetailOut,
    VersionListOut,
)
from api.serializers import (
    DEFAULT_LIMIT,
    MAX_INT,
    MAX_LIMIT,
    draft_etag,
    draft_json,
    iso_utc,
    unstorable_json_path,
    version_json,
)
from versions.compare import comparison_json
from versions.models import Version
from versions.selectors import resolve_ref

router = Router()


class DraftDocumentIn(Schema):
    """Any JSON object: the configuration is validated by the one configuration schema, so
    that its errors come back per field (`error.fields`)."""

    model_config = ConfigDict(extra="allow")


@router.get(
    "/agents/{agentId}/draft",
    response={200: DraftOut, 401: ErrorEnvelope, 404: ErrorEnvelope},
    tags=["config"],
    summary="Get the draft configuration",
)
def get_draft(request, response: HttpResponse, agentId: str):
    """The draft's canonical document. The `ETag` header identifies this revision: send it
    back as `If-Match` when you PUT a new document."""
    agent = get_agent_for_key(request, agentId)
    response["ETag"] = draft_etag(agent)
    return draft_json(agent)


def _parse_etag(value: str) -> tuple[int, str] | None:
    value = value.strip().removeprefix("W/").strip('"')
    revision, _, sha_prefix = value.partition("-")
    if not revision.isdigit() or len(revision) > 9 or not sha_prefix:
        return None
    return int(revision), sha_prefix


@router.put(
    "/agents/{agentId}/draft",
    response={
        200: DraftOut,
        400: ErrorEnvelope,
        401: ErrorEnvelope,
        403: ErrorEnvelope,
        404: ErrorEnvelope,
        412: ErrorEnvelope,
        422: ErrorEnvelope,
        428: ErrorEnvelope,
    },
    tags=["config"],
    summary="Replace the draft configuration",
)
def put_draft(
    request,
    response: HttpResponse,
    agentId: str,
    document: DraftDocumentIn,
    if_match: str | None = Header(
        None, alias="If-Match", description="The ETag of the draft this document is based on."
    ),
):
    """Replace the draft with a validated configuration document (the shape GET returns in
    `document`). Requires `If-Match`: 428 without it, 412 when someone saved since."""
    agent = get_agent_for_key(request, agentId)
    if not if_match:
        return error_response(
            request,
            428,
            "precondition_required",
            "Send the draft's ETag (from GET .../draft) in an If-Match header.",
        )
    parsed = _parse_etag(if_match)
    if parsed is None or draft_etag(agent) != f'"{parsed[0]}-{parsed[1]}"':
        return _stale(request, agent)
    # Ninja has checked that the body is a JSON object; the configuration schema checks
    # the rest (read from the body itself: the placeholder model keeps no fields).
    raw = json.loads(request.body)
    if path := unstorable_json_path(raw):
        raise InvalidInput(
            "The configuration is not valid.",
            errors={path: "contains characters or numbers that cannot be stored"},
        )
    try:
        agent = draft_save(
            actor=request.actor,
            agent=agent,
            document=raw,
            base_revision=parsed[0],
            summary="via API",
        )
    except StaleRevision:
        return _stale(request, agent)
    response["ETag"] = draft_etag(agent)
    return draft_json(agent)


def _stale(request, agent: Agent):
    agent.refresh_from_db()
    who = actor_label(agent.draft_updated_by) if agent.draft_updated_by_id else "someone"
    return error_response(
        request,
        412,
        "precondition_failed",
        f"The draft changed since this ETag (last saved by {who} at "
        f"{iso_utc(agent.draft_updated_at)}). GET it again and reapply your change.",
    )


@router.get(
    "/agents/{agentId}/versions",
    response={200: VersionListOut, **READ_ERRORS},
    tags=["config"],
    summary="List versions, newest first",
)
def list_versions(
    request,
    agentId: str,
    limit: int = Query(
        DEFAULT_LIMIT, ge=1, description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})"
    ),
    before: int | None = Query(
        None, ge=1, description="Only versions numbered below this (from `nextBefore`)"
    ),
):
    """The agent's published versions, newest first, a page at a time."""
    agent = get_agent_for_key(request, agentId)
    limit = min(limit, MAX_LIMIT)
    versions = Version.objects.filter(agent=agent).select_related("author").defer("document")
    if before is not None:
        versions = versions.filter(number__lt=min(before, MAX_INT))
    page = list(versions.order_by("-number")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return {
        "versions": [version_json(version) for version in page],
        "nextBefore": page[-1].number if has_more else None,
    }


@router.get(
    "/agents/{agentId}/versions/{number}",
    response={200: VersionDetailOut, **READ_ERRORS},
    tags=["config"],
    summary="Get one version with its document",
)
def get_version(request, agentId: str, number: int = Path(..., ge=1)):
    """One published version, including its (immutable) configuration document."""
    agent = get_agent_for_key(request, agentId)
    version = (
        Version.objects.filter(agent=agent, number=number).select_related("author").first()
        if number <= MAX_INT
        else None
    )
    if version is None:
        raise Http404("No version with this number.")
    return {**version_json(version), "document": version.document}


@router.get(
    "/agents/{agentId}/compare",
    response={200: CompareOut, **READ_ERRORS},
    tags=["config"],
    summary="Compare two versions or environments",
    by_alias=True,
)
def compare(
    request,
    agentId: str,
    from_: str = Query(
        ..., alias="from", description="draft, a version (v3 or 3), sandbox, pre-release or live"
    ),
    to: str = Query(..., description="Same choices as `from`"),
):
    """What changed from one side to the other, as the compare pages show it."""
    agent = get_agent_for_key(request, agentId)
    # The same JSON as the dashboard's compare.json: one diff function, one shape.
    return comparison_json(resolve_ref(agent, from_), resolve_ref(agent, to))
