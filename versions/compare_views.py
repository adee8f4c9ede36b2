"""The Compare page and its JSON form (issue 5).

Both render `versions.compare.diff_documents` of two sides resolved by
`versions.selectors.resolve_ref`; the Agents API's compare endpoint renders the same data.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from agentbuilder.access import get_agent_for_member, member_required
from agentbuilder.errors import InvalidInput, error_envelope
from versions.compare import comparison_json, diff_documents
from versions.selectors import (
    COMPARE_PICKER_VERSIONS,
    RefChoice,
    ResolvedRef,
    compare_choices,
    compare_default_refs,
    resolve_ref,
)

ITEMS_SHOWN = 100


def _requested_refs(request, agent) -> dict[str, str]:
    """The refs in the URL; a missing one defaults to latest version (or Live) -> Draft."""
    if "from" in request.GET and "to" in request.GET:
        return {"from": request.GET["from"], "to": request.GET["to"]}
    default_from, default_to = compare_default_refs(agent)
    return {"from": request.GET.get("from", default_from), "to": request.GET.get("to", default_to)}


def _compare_url(agent_id, from_ref: str, to_ref: str) -> str:
    query = urlencode({"from": from_ref, "to": to_ref})
    return f"{reverse('versions:compare', args=[agent_id])}?{query}"


@member_required
def compare(request, agent_id):
    agent = get_agent_for_member(request, agent_id)
    numbers = {key: request.GET.get(f"{key}_version", "").strip() for key in ("from", "to")}
    if any(numbers.values()):
        # The "or version number" inputs: redirect to the canonical ?from=v12&to=... URL.
        refs = _requested_refs(request, agent)
        for key, number in numbers.items():
            if number:
                refs[key] = f"v{number}"
        return redirect(_compare_url(agent.pk, refs["from"], refs["to"]))
    refs = _requested_refs(request, agent)
    sides: dict[str, ResolvedRef] = {}
    errors: dict[str, str] = {}
    for key, ref in refs.items():
        try:
            sides[key] = resolve_ref(agent, ref)
        except InvalidInput as error:
            errors[key] = error.message
    diff = None
    if not errors:
        diff = diff_documents(sides["from"].document, sides["to"].document)
        refs = {"from": sides["from"].ref, "to": sides["to"].ref}
    picker = compare_choices(agent)
    choices = picker.choices
    known = {choice.ref for choice in choices}
    for key in ("from", "to"):
        # A version older than the picker's list stays selectable once it is in the URL.
        if key in sides and sides[key].ref not in known:
            choices.append(RefChoice(sides[key].ref, sides[key].label))
            known.add(sides[key].ref)
    return render(
        request,
        "versions/compare.html",
        {
            "nav": "agents",
            "agent": agent,
            "choices": choices,
            "refs": refs,
            "errors": errors,
            "from_side": sides.get("from"),
            "to_side": sides.get("to"),
            "sides": [side for side in (sides.get("from"), sides.get("to")) if side],
            "picker_limit": COMPARE_PICKER_VERSIONS,
            "has_older_versions": picker.has_older,
            # The page shows at most this many items per section in full, so a comparison
            # of a thousand functions against an empty side stays a usable page.
            "item_limit": ITEMS_SHOWN,
            "item_limit_negative": -ITEMS_SHOWN,
            "item_limit_slice": f":{ITEMS_SHOWN}",
            "item_rest_slice": f"{ITEMS_SHOWN}:",
            "diff": diff,
            "swap_url": _compare_url(agent.pk, refs["to"], refs["from"]),
        },
        status=400 if errors else 200,
    )


@member_required
def compare_json(request, agent_id):
    try:
        agent = get_agent_for_member(request, agent_id)
    except Http404:
        return _error(404, "not_found", "No such agent in this workspace.")
    try:
        refs = _requested_refs(request, agent)
        from_side = resolve_ref(agent, refs["from"])
        to_side = resolve_ref(agent, refs["to"])
    except InvalidInput as error:
        return _error(error.status, error.code, error.message)
    return JsonResponse(
        comparison_json(from_side, to_side), json_dumps_params={"ensure_ascii": False}
    )


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_envelope(code, message), status=status)
