"""The Numbers API and call routing, registered on the Agents API (`/v1/`).

Reads and routing take any key of the workspace; writes need an admin key (the policy's
"numbers.edit"). Errors use the API's envelope through its exception handlers.
"""

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from ninja import Field, Router, Schema, Status

from agentbuilder import policy
from agentbuilder.errors import InvalidInput, NotAllowed
from agentbuilder.models import Agent
from deployments import routing
from deployments.number_selectors import number_as_dict, number_by_e164, numbers_for_workspace
from deployments.number_services import (
    normalise_e164,
    number_assign,
    number_create,
    number_release,
    number_update,
)

numbers_router = Router(tags=["numbers"])
PAGE_SIZE = 100


class NumbersErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None


class NumbersError(Schema):
    """The API's error envelope {"error": {"code", "message", "fields"?}}."""

    error: NumbersErrorBody


READ_ERRORS = {401: NumbersError, 404: NumbersError, 422: NumbersError}
WRITE_ERRORS = {400: NumbersError, 403: NumbersError, 409: NumbersError, **READ_ERRORS}


class VariantIn(Schema):
    label: str = ""
    target: str
    weight: int | None = None


class HeaderIn(Schema):
    name: str
    value: str = ""


class AssignmentIn(Schema):
    label: str | None = None
    agentId: str
    target: str | None = None
    variants: list[VariantIn] | None = None
    sipHeaders: list[HeaderIn] | dict[str, str] | None = None


class RouteIn(Schema):
    to: str
    from_: str = Field("", alias="from")
    callId: str = Field(..., min_length=1, max_length=128)


def _ensure_admin(actor) -> None:
    if not policy.may(actor.role, "numbers.edit"):
        raise NotAllowed("Only admin keys can change numbers.")


def _number_or_404(request, raw: str):
    number = normalise_e164(raw)
    phone_number = number_by_e164(request.workspace, number)
    if phone_number is None:
        raise Http404("No such number in this workspace.")
    return phone_number


@numbers_router.get("/numbers", response={200: dict, **READ_ERRORS})
def list_numbers(request, page: int = 1):
    """The workspace's numbers and assignments, 100 a page."""
    paginator = Paginator(numbers_for_workspace(request.workspace), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    return {
        "numbers": [number_as_dict(phone_number) for phone_number in page_obj],
        "page": page_obj.number,
        "pages": paginator.num_pages,
    }


@numbers_router.get("/numbers/{number}", response={200: dict, **READ_ERRORS})
def get_number(request, number: str):
    """One number (URL-encoded E.164, e.g. %2B442079460958)."""
    return number_as_dict(_number_or_404(request, number))


@numbers_router.put("/numbers/{number}", response={200: dict, 201: dict, **WRITE_ERRORS})
def put_number(request, number: str, payload: AssignmentIn):
    """Set the number's whole assignment (creating the number if it is new): the agent,
    a `target` ("live", "v3", "draft"...) or `variants` with weights summing to 100, the SIP
    headers and the label."""
    actor = request.actor
    _ensure_admin(actor)
    if payload.variants is None and payload.target is None:
        raise InvalidInput(
            "Give a target or variants.", errors={"target": "Give a target or variants."}
        )
    variants: list[dict[str, Any]] = (
        [variant.model_dump() for variant in payload.variants]
        if payload.variants is not None
        else [{"label": "", "target": payload.target, "weight": 100}]
    )
    headers = payload.sipHeaders
    if isinstance(headers, list):
        headers = [header.model_dump() for header in headers]
    agent = Agent.objects.filter(
        pk=_uuid_or_none(payload.agentId), workspace=request.workspace
    ).first()
    if agent is None:
        raise InvalidInput("No agent with this id.", errors={"agentId": "No agent with this id."})
    normalised = normalise_e164(number)
    with transaction.atomic():
        phone_number = number_by_e164(request.workspace, normalised)
        created = phone_number is None
        if created:
            phone_number = number_create(
                actor=actor,
                workspace=request.workspace,
                number=normalised,
                label=payload.label or "",
            )
        elif payload.label is not None:
            number_update(actor=actor, phone_number=phone_number, label=payload.label)
        number_assign(
            actor=actor,
            phone_number=phone_number,
            agent=agent,
            variants=variants,
            sip_headers=headers,
        )
    body = number_as_dict(number_by_e164(request.workspace, normalised))
    return Status(201 if created else 200, body)


@numbers_router.delete("/numbers/{number}", response={204: None, **WRITE_ERRORS})
def delete_number(request, number: str):
    """Release the number: calls to it get 404 and it can be added again."""
    _ensure_admin(request.actor)
    number_release(actor=request.actor, phone_number=_number_or_404(request, number))
    return Status(204, None)


@numbers_router.post("/calls/route", response={200: dict, **WRITE_ERRORS})
def route(request, payload: RouteIn):
    """Which agent, version and configuration answer an incoming call. Every answer is
    recorded. 404: unknown or unassigned number; 409 nothing_deployed."""
    return routing.route_call(
        workspace=request.workspace, to=payload.to, caller=payload.from_, call_id=payload.callId
    )


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
