"""The agent editor: one page, a section per part of the configuration.

Each section (and each list item) posts to its own small view, which turns the posted fields
into a new document with a form from `agentbuilder.forms` and calls `draft_save`. An htmx
request gets the section back (with errors next to their fields), plus the draft banner and
the draft revision of every other form out-of-band; a plain request gets a redirect or the
full page, so the editor also works without JavaScript.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from agentbuilder import hooks
from agentbuilder.access import actor_for, agent_post, get_agent_for_member, member_required
from agentbuilder.config import EDITOR_SECTIONS, SECTION_OF_LIST
from agentbuilder.errors import InvalidInput, ServiceError
from agentbuilder.forms import (
    ITEM_FORMS,
    SECTION_FORMS,
    FlowForm,
    FunctionForm,
    ItemForm,
    KnowledgeBaseForm,
    RevisionForm,
    errors_for_fields,
)
from agentbuilder.models import Agent, Connection
from agentbuilder.services import draft_save

TEMPLATE = "agentbuilder/agent_detail.html"

# (key, title, form of the section's own fields, form of its list items), in page order:
# the registry's sections (`agentbuilder.config.SECTIONS`), keyed by slug, with their forms.
SECTIONS: list[tuple[str, str, type | None, type[ItemForm] | None]] = [
    (
        entry.slug,
        entry.title,
        SECTION_FORMS.get(entry.slug),
        ITEM_FORMS.get(entry.items.slug) if entry.items else None,
    )
    for entry in EDITOR_SECTIONS
]
SECTION_BY_KEY = {key: (key, title, form, item) for key, title, form, item in SECTIONS}
# Item kind (URL segment) -> the section that lists it.
ITEM_SECTION = {kind: section.slug for kind, section in SECTION_OF_LIST.items()}
ITEM_KIND = {form: kind for kind, form in ITEM_FORMS.items()}


@dataclass
class ItemRow:
    id: str
    name: str
    summary: str
    form: Any
    open: bool = False


@dataclass
class Section:
    key: str
    title: str
    form: Any = None
    item_kind: str | None = None
    item_noun: str = ""
    items: list[ItemRow] = field(default_factory=list)
    add_form: Any = None
    add_open: bool = False


@dataclass(frozen=True)
class Bound:
    """A posted form to show instead of a fresh one: the section's (item_id None), an
    item's, or the add form's (item_id "new")."""

    form: Any
    item_id: str | None = None


def _connection_keys(agent: Agent) -> list[str]:
    return list(
        Connection.objects.filter(workspace_id=agent.workspace_id)
        .order_by("key")
        .values_list("key", flat=True)
    )


def _item_form(form_class, *, data=None, initial=None, auto_id, connection_keys, current=None):
    kwargs: dict[str, Any] = {"data": data, "initial": initial, "auto_id": auto_id}
    if form_class is FunctionForm:
        kwargs.update(connection_keys=connection_keys, current_connection=current)
    return form_class(**kwargs)


def build_section(
    agent: Agent, key: str, *, connection_keys: list[str], bound: Bound | None = None
) -> Section:
    """One section of the editor with fresh forms from the draft (or `bound` in its place)."""
    _, title, section_form, item_form = SECTION_BY_KEY[key]
    document = agent.draft_document
    revision = {"base_revision": agent.draft_revision}
    section = Section(key=key, title=title)
    if section_form is not None:
        if bound is not None and bound.item_id is None:
            section.form = bound.form
        else:
            section.form = section_form(
                initial={**section_form.initial_from(document), **revision}, auto_id=f"{key}_%s"
            )
    if item_form is not None:
        kind = ITEM_KIND[item_form]
        section.item_kind, section.item_noun = kind, item_form.item_list.noun
        for item in item_form.items_of(document):
            if bound is not None and bound.item_id == item["id"]:
                form, is_open = bound.form, True
            else:
                form = _item_form(
                    item_form,
                    initial={**item_form.initial_from(item), **revision},
                    auto_id=f"{item['id']}_%s",
                    connection_keys=connection_keys,
                    current=item.get("connection"),
                )
                is_open = False
            section.items.append(
                ItemRow(item["id"], item["name"], item_form.summary_of(item), form, is_open)
            )
        if bound is not None and bound.item_id == "new":
            section.add_form, section.add_open = bound.form, True
        else:
            initial = {**revision}
            if item_form is FunctionForm:
                initial.update(
                    parameters='{\n  "type": "object",\n  "properties": {}\n}',
                    implementation="endpoint",
                    method="POST",
                )
            elif item_form is FlowForm:
                initial["definition"] = (
                    '{\n  "start": "start",\n  "steps": [\n    {"id": "start", "prompt": "", '
                    '"transitions": []}\n  ]\n}'
                )
            elif item_form is KnowledgeBaseForm:
                initial.update(top_k=5, min_score=0.5)
            section.add_form = _item_form(
                item_form,
                initial=initial,
                auto_id=f"new_{kind}_%s",
                connection_keys=connection_keys,
            )
    return section


def _page_context(agent: Agent, *, bound_key: str | None = None, bound: Bound | None = None):
    connection_keys = _connection_keys(agent)
    sections = [
        build_section(
            agent,
            key,
            connection_keys=connection_keys,
            bound=bound if key == bound_key else None,
        )
        for key, *_ in SECTIONS
    ]
    return {"agent": agent, "sections": sections, "nav": "agents"}


@member_required
def agent_detail(request, agent_id):
    agent = get_agent_for_member(request, agent_id)
    return render(request, TEMPLATE, _page_context(agent))


def _section_response(
    request, agent: Agent, key: str, *, bound: Bound | None = None, saved: bool = False
):
    if not request.htmx:
        if saved:
            return redirect(
                f"{reverse('agentbuilder:agent_detail', args=[agent.pk])}#section-{key}"
            )
        return render(request, TEMPLATE, _page_context(agent, bound_key=key, bound=bound))
    section = build_section(agent, key, connection_keys=_connection_keys(agent), bound=bound)
    parts = [render_to_string(f"{TEMPLATE}#section", {"agent": agent, "section": section}, request)]
    if saved:
        # What other apps show of the draft (the banner, the status strip) moves with it.
        parts.append(hooks.render("draft_saved_fragments", request=request, agent=agent))
        parts.append(render_to_string(f"{TEMPLATE}#revision_oob", {"agent": agent}, request))
        parts.append(hooks.render("agent_status", request=request, agent=agent, oob=True))
    parts.append(render_to_string("partials/toasts_oob.html", {}, request))
    return HttpResponse("".join(parts))


def _save(request, agent: Agent, key: str, form, build, *, item_id=None, summary: str, done: str):
    """Validate `form`, build the new document with `build()`, and save it as the draft."""
    if form.is_valid():
        try:
            document = build()
        except KeyError:
            form.add_error(None, "This item no longer exists — reload to see the current draft.")
        else:
            base_revision = form.cleaned_data["base_revision"]
            try:
                agent = draft_save(
                    actor=actor_for(request),
                    agent=agent,
                    document=document,
                    base_revision=base_revision,
                    summary=summary,
                )
            except InvalidInput as error:
                errors_for_fields(form, error.errors or {"document": error.message})
            except ServiceError as error:
                # StaleRevision: "Changed by NAME at TIME — reload to see their change."
                form.add_error(None, error.message)
            else:
                if agent.draft_revision == base_revision:
                    messages.info(request, "Nothing changed.")
                else:
                    messages.success(request, done)
                return _section_response(request, agent, key, saved=True)
    return _section_response(request, agent, key, bound=Bound(form, item_id))


@agent_post
def section_save(request, agent, section):
    form_class = SECTION_FORMS.get(section)
    if form_class is None:
        raise Http404("No such section.")
    form = form_class(request.POST, auto_id=f"{section}_%s")
    title = SECTION_BY_KEY[section][1]
    return _save(
        request,
        agent,
        section,
        form,
        lambda: form.apply(agent.draft_document),
        summary=title.lower(),
        done=f"{title} saved.",
    )


def _item_form_class(kind: str) -> type[ItemForm]:
    form_class = ITEM_FORMS.get(kind)
    if form_class is None:
        raise Http404("No such list.")
    return form_class


@agent_post
def item_save(request, agent, kind, item_id=None):
    """Add an item to a list (no item_id) or change one."""
    form_class = _item_form_class(kind)
    items = {item["id"]: item for item in form_class.items_of(agent.draft_document)}
    if item_id is not None and item_id not in items:
        raise Http404("No such item.")
    current = items[item_id].get("connection") if item_id else None
    form = _item_form(
        form_class,
        data=request.POST,
        auto_id=f"{item_id or 'new_' + kind}_%s",
        connection_keys=_connection_keys(agent),
        current=current,
    )
    noun = form_class.item_list.noun
    verb = "added" if item_id is None else "changed"
    return _save(
        request,
        agent,
        ITEM_SECTION[kind],
        form,
        lambda: form.apply(agent.draft_document, item_id),
        item_id=item_id or "new",
        summary=f"{noun} {request.POST.get('name', '')} {verb}".strip(),
        done=f"{noun.capitalize()} {verb}.",
    )


@agent_post
def item_remove(request, agent, kind, item_id):
    form_class = _item_form_class(kind)
    names = {item["id"]: item["name"] for item in form_class.items_of(agent.draft_document)}
    if item_id not in names:
        raise Http404("No such item.")
    form = RevisionForm(request.POST)
    key = ITEM_SECTION[kind]
    noun = form_class.item_list.noun
    if not form.is_valid():
        messages.error(request, "The page is out of date — reload and try again.")
        return _section_response(request, agent, key)
    try:
        agent = draft_save(
            actor=actor_for(request),
            agent=agent,
            document=form_class.remove(agent.draft_document, item_id),
            base_revision=form.cleaned_data["base_revision"],
            summary=f"{noun} {names[item_id]} removed",
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return _section_response(request, agent, key)
    messages.success(request, f"{noun.capitalize()} {names[item_id]} removed.")
    return _section_response(request, agent, key, saved=True)
