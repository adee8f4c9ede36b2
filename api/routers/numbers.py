"""The Numbers API and call routing, registered on the Agents API (`/v1/`).

Reads and routing take any key of the workspace; writes need an admin key (the policy's
"numbers.edit", checked by the telephony services). Errors use the API's envelope through
its exception handlers.
"""

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Router, Schema, Status

from api.schemas import READ_ERRORS, WRITE_ERRORS
from telephony.selectors import number_as_dict, number_by_e164, numbers_for_workspace
from telephony.services import call_route, normalise_e164, number_release, number_upsert

router = Router(tags=["numbers"])
PAGE_SIZE = 100


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


def _number_or_404(request, raw: str):
    number = normalise_e164(raw)
    phone_number = number_by_e164(request.workspace, number)
    if phone_number is None:
        raise Http404("No such number in this workspace.")
    return phone_number


@router.get("/numbers", response={200: dict, **READ_ERRORS})
def list_numbers(request, page: int = 1):
    """The workspace's numbers and assignments, 100 a page."""
    paginator = Paginator(numbers_for_workspace(request.workspace), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    return {
        "numbers": [number_as_dict(phone_number) for phone_number in page_obj],
        "page": page_obj.number,
        "pages": paginator.num_pages,
    }


@router.get("/numbers/{number}", response={200: dict, **READ_ERRORS})
def get_number(request, number: str):
    """One number (URL-encoded E.164, e.g. %2B442079460958)."""
    return number_as_dict(_number_or_404(request, number))


@router.put("/numbers/{number}", response={200: dict, 201: dict, **WRITE_ERRORS})
def put_number(request, number: str, payload: AssignmentIn):
    """Set the number's whole assignment (creating the number if it is new): the agent,
    a `target` ("live", "v3", "draft"...) or `variants` with weights summing to 100, the SIP
    headers and the label."""
    headers = payload.sipHeaders
    if isinstance(headers, list):
        headers = [header.model_dump() for header in headers]
    phone_number, created = number_upsert(
        actor=request.actor,
        workspace=request.workspace,
        number=number,
        agent_id=payload.agentId,
        target=payload.target,
        variants=(
            [variant.model_dump() for variant in payload.variants]
            if payload.variants is not None
            else None
        ),
        sip_headers=headers,
        label=payload.label,
    )
    body = number_as_dict(number_by_e164(request.workspace, phone_number.number))
    return Status(201 if created else 200, body)


@router.delete("/numbers/{number}", response={204: None, **WRITE_ERRORS})
def delete_number(request, number: str):
    """Release the number: calls to it get 404 and it can be added again."""
    number_release(actor=request.actor, phone_number=_number_or_404(request, number))
    return Status(204, None)


@router.post("/calls/route", response={200: dict, **WRITE_ERRORS})
def route(request, payload: RouteIn):
    """Which agent, version and configuration answer an incoming call. Every answer is
    recorded. 404: unknown or unassigned number; 409 nothing_deployed."""
    return call_route(
        workspace=request.workspace, to=payload.to, caller=payload.from_, call_id=payload.callId
    )
