"""Version history of an agent, a read-only version, restore, and the project history."""

import json
import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import CharField, F, IntegerField, UUIDField, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from agentbuilder.access import actor_for, get_agent_for_member, member_required
from agentbuilder.actors import actor_label
from agentbuilder.agent_views import post_for_agent
from agentbuilder.audit import label_for, split_reason
from agentbuilder.errors import ServiceError
from agentbuilder.forms import RevisionForm
from agentbuilder.models import Agent
from agentbuilder.sections import EDITOR_SECTIONS, Section
from versions.models import Version
from versions.services import version_restore

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
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


def _redirect(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@member_required
def agent_versions(request, agent_id):
    """The version history panel: the draft on top, then versions newest first."""
    agent = get_object_or_404(
        Agent.objects.select_related("draft_updated_by"), pk=agent_id, workspace=request.workspace
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


@post_for_agent
def version_restore_view(request, agent, number):
    """Restore: overwrite the draft with the version's document (refused if the draft moved
    on since the page was shown)."""
    version = get_object_or_404(Version.objects.defer("document"), agent=agent, number=number)
    history_url = reverse("versions:agent_versions", args=[agent.pk])
    form = RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page is out of date — reload and try again.")
        return _redirect(request, history_url)
    try:
        version_restore(
            actor=actor_for(request),
            version=Version.objects.get(pk=version.pk),
            base_revision=form.cleaned_data["base_revision"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return _redirect(request, history_url)
    messages.success(request, f"Restored V{version.number} “{version.name}” into the draft.")
    return _redirect(request, reverse("agentbuilder:agent_detail", args=[agent.pk]))


# --- Project history -----------------------------------------------------------------

HISTORY_COLUMNS = (
    "kind",
    "history_id",
    "history_date",
    "history_user_id",
    "history_change_reason",
    "history_type",
    "agent_ref",
    "number_ref",
    "environment_ref",
    "subject",
    "user_ref",
)


def _history_querysets(workspace, agent_id=None):
    """One values() queryset per history table, all with HISTORY_COLUMNS, so that they can
    be combined with UNION and paginated by the database (a constant number of queries)."""
    from agentbuilder.models import Connection, Membership
    from deployments.models import ApiKey, Deployment, NumberAssignment, PhoneNumber

    agents = Agent.objects.filter(workspace=workspace).values("pk")
    # Typed NULLs: PostgreSQL resolves UNION column types pairwise, and untyped NULLs in the
    # first branches would make a column text.
    no_agent = Cast(Value(None), UUIDField())
    no_number = Cast(Value(None), IntegerField())
    no_text = Value("", output_field=CharField())

    no_user = Cast(Value(None), IntegerField())

    def shape(queryset, kind, *, agent_ref, number_ref, environment_ref, subject, user_ref=None):
        return (
            queryset.annotate(
                kind=Value(kind, output_field=CharField()),
                agent_ref=agent_ref,
                number_ref=number_ref,
                environment_ref=environment_ref,
                subject=subject,
                user_ref=user_ref if user_ref is not None else no_user,
            )
            .order_by()
            .values(*HISTORY_COLUMNS)
        )

    querysets = [
        shape(
            Agent.history.filter(workspace=workspace, **({"id": agent_id} if agent_id else {})),
            "agent",
            agent_ref=F("id"),
            number_ref=no_number,
            environment_ref=no_text,
            subject=Cast("name", CharField()),
        ),
        shape(
            Version.history.filter(agent_id__in=[agent_id] if agent_id else agents),
            "version",
            agent_ref=F("agent_id"),
            number_ref=F("number"),
            environment_ref=no_text,
            subject=Cast("name", CharField()),
        ),
        shape(
            Deployment.history.filter(agent_id__in=[agent_id] if agent_id else agents),
            "deployment",
            agent_ref=F("agent_id"),
            number_ref=F("version__number"),
            environment_ref=Cast("environment", CharField()),
            subject=Cast("message", CharField()),
        ),
        shape(
            NumberAssignment.history.filter(agent_id__in=[agent_id] if agent_id else agents),
            "assignment",
            agent_ref=F("agent_id"),
            number_ref=no_number,
            environment_ref=no_text,
            subject=Cast("summary", CharField()),
        ),
    ]
    if agent_id is None:
        querysets += [
            shape(
                Membership.history.filter(workspace=workspace),
                "membership",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("role", CharField()),
                user_ref=F("user_id"),
            ),
            shape(
                ApiKey.history.filter(workspace=workspace),
                "apikey",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("name", CharField()),
            ),
            shape(
                Connection.history.filter(workspace=workspace),
                "connection",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("key", CharField()),
            ),
            shape(
                PhoneNumber.history.filter(workspace=workspace),
                "number",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("number", CharField()),
            ),
        ]
    return querysets


def history_entries(workspace, agent_id=None):
    first, *rest = _history_querysets(workspace, agent_id)
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


FALLBACK_ACTIONS = {
    ("membership", "+"): "members.add",
    ("connection", "+"): "Connection added",
    ("connection", "~"): "Connection changed",
    ("connection", "-"): "Connection removed",
}


@member_required
def project_history(request):
    """Every change in the workspace, newest first: drafts, versions, deployments, number
    assignments, members, API keys, connections (never their secrets) and phone numbers."""
    from django.contrib.auth import get_user_model

    agent_filter = request.GET.get("agent") or None
    agent_choices = list(Agent.objects.filter(workspace=request.workspace).values("pk", "name"))
    if agent_filter and agent_filter not in {str(a["pk"]) for a in agent_choices}:
        raise Http404("No such agent.")
    page = Paginator(history_entries(request.workspace, agent_filter), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    user_ids = {row["history_user_id"] for row in rows} | {row["user_ref"] for row in rows}
    users = get_user_model().objects.in_bulk(user_ids - {None})
    agent_names = {a["pk"]: a["name"] for a in agent_choices}
    entries = []
    for row in rows:
        action, detail = split_reason(row["history_change_reason"])
        if not action:
            action = FALLBACK_ACTIONS.get((row["kind"], row["history_type"]), "")
        if row["kind"] == "version":
            detail = row["subject"]  # the version's name; the number is the link
        elif row["kind"] == "membership":
            member = actor_label(users.get(row["user_ref"]))
            detail = f"{member} as {row['subject']}" + (f" ({detail})" if detail else "")
        entries.append(
            {
                **row,
                "who": actor_label(users.get(row["history_user_id"])),
                "action": action,
                "label": label_for(action) if action else "Changed",
                "detail": detail,
                "agent_name": agent_names.get(row["agent_ref"], ""),
            }
        )
    template = "versions/history.html"
    if request.htmx and not request.htmx.boosted:
        template += "#history_list"
    return render(
        request,
        template,
        {
            "page": page,
            "entries": entries,
            "agent_choices": agent_choices,
            "agent_filter": agent_filter,
            "nav": "history",
        },
    )
