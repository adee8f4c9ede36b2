"""Version history of an agent, a read-only version, restore, and the banner's Delete."""

import json
import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from agentbuilder.access import actor_for, agent_post, get_agent_for_member, member_required
from agentbuilder.config import EDITOR_SECTIONS
from agentbuilder.errors import ServiceError
from agentbuilder.forms import RevisionForm
from agentbuilder.models import Agent
from agentbuilder.responses import back_to_page, redirect_to
from agentbuilder.sections import Section
from versions.models import Version
from versions.services import draft_discard, version_restore

PAGE_SIZE = 25
RESTORE_WARNING = (
    "Restoring a version overwrites the current draft. If you want to preserve the current "
    "draft, publish it as a new version before restoring."
)


def _words(key: str) -> str:
    """A key the registry has no label for (one an older schema wrote) as a label:
    silenceTimeoutMs -> "Silence timeout (ms)"."""
    unit = next((u for u in ("Ms", "S") if key.endswith(u) and key[: -len(u)][-1:].islower()), "")
    words = re.sub(r"(?<!^)([A-Z])", r" \1", key[: len(key) - len(unit)]).capitalize()
    return f"{words} ({unit.lower()})" if unit else words


def _as_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def readonly_section(section: Section, document: dict[str, Any]) -> dict[str, Any]:
    """A section of a document (its registry entry) as plain rows for the read-only view:
    settings as (label, value) pairs, list items by name with their JSON."""
    value = document.get(section.key)
    # A list inside an object (call analysis fields): its key in the object.
    nested_list = section.items.path.rpartition(".")[2] if section.items else None
    rows, items = [], []
    if isinstance(value, list):
        items = [(item.get("name", item.get("id")), _as_json(item)) for item in value]
    else:
        for field_key, field_value in sorted((value or {}).items()):
            if field_key == nested_list:
                items = [(item["name"], _as_json(item)) for item in field_value]
                continue
            shown = field_value if isinstance(field_value, str) else _as_json(field_value)
            label = section.label_for(field_key) or _words(field_key)
            rows.append((label, shown, "\n" in shown or len(shown) > 80))
    return {
        "key": section.key,
        "title": section.title,
        "rows": rows,
        "items": items,
        "is_list": isinstance(value, list),
    }


@member_required
def agent_versions(request, agent_id):
    """The version history panel: the draft on top, then versions newest first."""
    agent = get_agent_for_member(
        request, agent_id, queryset=Agent.objects.select_related("draft_updated_by")
    )
    versions = (
        Version.objects.filter(agent=agent)
        .select_related("author")
        .defer("document")
        .order_by("-number")
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "agent": agent,
        "page": page,
        "restore_warning": RESTORE_WARNING,
        "nav": "agents",
    }
    template = "versions/agent_versions.html"
    if request.htmx and not request.htmx.boosted:
        template += "#version_list"
    return render(request, template, context)


@member_required
def version_detail(request, agent_id, number):
    """One version, read-only, section by section."""
    agent = get_agent_for_member(request, agent_id)
    version = get_object_or_404(
        Version.objects.select_related("author"), agent=agent, number=number
    )
    sections = [readonly_section(section, version.document) for section in EDITOR_SECTIONS]
    return render(
        request,
        "versions/version_detail.html",
        {
            "agent": agent,
            "version": version,
            "sections": sections,
            "restore_warning": RESTORE_WARNING,
            "nav": "agents",
        },
    )


@agent_post
def version_restore_view(request, agent, number):
    """Restore: overwrite the draft with the version's document (refused if the draft moved
    on since the page was shown)."""
    version = get_object_or_404(Version.objects.defer("document"), agent=agent, number=number)
    history_url = reverse("versions:agent_versions", args=[agent.pk])
    form = RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page is out of date — reload and try again.")
        return redirect_to(request, history_url)
    try:
        version_restore(
            actor=actor_for(request),
            version=Version.objects.get(pk=version.pk),
            base_revision=form.cleaned_data["base_revision"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect_to(request, history_url)
    messages.success(request, f"Restored V{version.number} “{version.name}” into the draft.")
    return redirect_to(request, reverse("agentbuilder:agent_detail", args=[agent.pk]))


@agent_post
def draft_discard_view(request, agent):
    """The banner's Delete: revert the draft to the latest published version."""
    try:
        base_revision = request.POST.get("base_revision", "")
        agent = draft_discard(
            actor=actor_for(request),
            agent=agent,
            base_revision=int(base_revision) if base_revision.isdigit() else None,
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Draft deleted: the agent is back to its latest version.")
    return back_to_page(request, agent)
