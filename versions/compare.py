"""The one diff module: compares two canonical configuration documents.

Returns plain data (dataclasses) that the HTML view, the JSON view and the Agents API all
render; templates only loop. The shape:

    DocumentDiff
      sections: [SectionDiff] in a fixed order (Behaviour, Functions, ... Other settings),
                the registry's DIFF_GROUPS (agentbuilder.config)
        fields: [FieldChange]   changed scalars (old -> new) and long texts (TextDiff)
        items:  [ItemChange]    list items matched by their stable `id`
          fields: [FieldChange]
    TextDiff (versions.linediff): side-by-side LineRow pairs and Fold runs.

Documents hold connection keys only, never credentials, so nothing secret can appear in a
diff; this module adds nothing that is not in the two documents.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from agentbuilder.config import DIFF_GROUPS, LIST_BY_PATH, SECTION_BY_KEY
from agentbuilder.sections import JSON, SCALAR, TEXT, Section
from versions.linediff import (
    Fold,
    Line,
    LineRow,
    Span,
    TextDiff,
    diff_text,
    line_opcodes,
    word_spans,
)

__all__ = [
    "DocumentDiff",
    "FieldChange",
    "Fold",
    "ItemChange",
    "Line",
    "LineRow",
    "SectionDiff",
    "Span",
    "TextDiff",
    "change_summary",
    "comparison_json",
    "diff_documents",
    "diff_text",
    "line_opcodes",
    "side_json",
    "word_spans",
]

# --- Plain data -------------------------------------------------------------------------


@dataclass
class FieldChange:
    """One changed field. status: changed, added (old side absent), removed (new side absent)."""

    path: str  # "behaviour.systemPrompt", "code", "endpoint.url"
    label: str  # "Prompt"
    kind: str  # scalar, text, json
    status: str
    old: Any = None
    new: Any = None
    text: TextDiff | None = None  # for text and json fields
    word: str = ""  # the draft banner's word for it ("prompt"); "" inside items

    @property
    def old_display(self) -> str:
        return display_value(self.old)

    @property
    def new_display(self) -> str:
        return display_value(self.new)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "label": self.label,
            "kind": self.kind,
            "status": self.status,
        }
        if self.text is not None:
            data["diff"] = self.text.to_json()
        else:
            data["old"] = self.old
            data["new"] = self.new
        return data


@dataclass
class ItemChange:
    """A list item matched by id. status: added, removed, renamed (name differs), changed."""

    id: str
    status: str
    old_name: str | None
    new_name: str | None
    fields: list[FieldChange]

    @property
    def name(self) -> str:
        return self.new_name or self.old_name or self.id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "oldName": self.old_name,
            "newName": self.new_name,
            "fields": [f.to_json() for f in self.fields],
        }


@dataclass
class SectionDiff:
    key: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)

    @property
    def change_count(self) -> int:
        return len(self.fields) + len(self.items)

    @property
    def changed(self) -> bool:
        return self.change_count > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "changeCount": self.change_count,
            "fields": [f.to_json() for f in self.fields],
            "items": [item.to_json() for item in self.items],
        }


@dataclass
class DocumentDiff:
    sections: list[SectionDiff] = field(default_factory=list)
    # (section key, item noun) per list section, for the banner words; set by diff_documents.
    item_nouns: dict[str, str] = field(default_factory=dict)

    @property
    def change_count(self) -> int:
        return sum(section.change_count for section in self.sections)

    @property
    def identical(self) -> bool:
        return self.change_count == 0

    @property
    def changed_sections(self) -> list[SectionDiff]:
        return [section for section in self.sections if section.changed]

    @property
    def changes(self) -> list[str]:
        """The banner's words, in section order: "prompt", "1 function added", "temperature"."""
        words: list[str] = []
        for section in self.sections:
            for change in section.fields:
                if change.word and change.word not in words:
                    words.append(change.word)
            noun = self.item_nouns.get(section.key)
            if not noun:
                continue
            counts: dict[str, int] = {}
            for item in section.items:
                counts[item.status] = counts.get(item.status, 0) + 1
            for status in ("added", "removed", "renamed", "changed"):
                if counts.get(status):
                    count = counts[status]
                    words.append(f"{count} {noun}{'' if count == 1 else 's'} {status}")
        return words

    def summary(self) -> str:
        if self.identical:
            return "No changes"
        count = self.change_count
        noun = "change" if count == 1 else "changes"
        return f"{count} {noun}: {', '.join(self.changes)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "changeCount": self.change_count,
            "identical": self.identical,
            "summary": self.summary(),
            "sections": [section.to_json() for section in self.sections],
        }


def display_value(value: Any) -> str:
    """How a scalar reads in "old -> new"."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return value if value else "(empty)"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# --- Documents --------------------------------------------------------------------------

# (path in the document, label, kind, banner word); paths are dotted.
Spec = tuple[str, str, str, str]


def _group_specs(sections: list[Section]) -> list[Spec]:
    return [
        (section.path_of(f), f.compare_label, f.kind, f.word)
        for section in sections
        for f in section.fields
    ]


def _group_list(sections: list[Section]) -> str | None:
    paths = [section.items.path for section in sections if section.items is not None]
    if len(paths) > 1:
        raise ValueError(f"a compare section shows at most one list, not {paths}")
    return paths[0] if paths else None


# (key, title, field specs, path of its list of items): the compare view's sections, read
# from the registry's DIFF_GROUPS and the sections they name.
SECTIONS: list[tuple[str, str, list[Spec], str | None]] = [
    (
        group.key,
        group.title,
        _group_specs([SECTION_BY_KEY[key] for key in group.sections]),
        _group_list([SECTION_BY_KEY[key] for key in group.sections]),
    )
    for group in DIFF_GROUPS
]

# Per list: the item noun and the fields of an item in display order.
LISTS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    path: (item_list.compare_noun, [(f.key, f.compare_label, f.kind) for f in item_list.fields])
    for path, item_list in LIST_BY_PATH.items()
}

_MISSING = object()


def _get(document: Any, path: str) -> Any:
    node = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _leaf_paths(document: Any, prefix: str = "") -> dict[str, Any]:
    """Every scalar (or list) under a document, by dotted path."""
    if not isinstance(document, dict) or not document:
        return {prefix: document} if prefix else {}
    paths: dict[str, Any] = {}
    for key, value in document.items():
        paths.update(_leaf_paths(value, f"{prefix}.{key}" if prefix else key))
    return paths


def _pretty_json(value: Any) -> str:
    if value is _MISSING or value is None:
        return ""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _field_change(path: str, label: str, kind: str, old: Any, new: Any, word: str = ""):
    if old == new:
        return None
    if old is _MISSING and new is _MISSING:
        return None
    status = "added" if old is _MISSING else "removed" if new is _MISSING else "changed"
    old_value = None if old is _MISSING else old
    new_value = None if new is _MISSING else new
    if old_value == new_value:
        return None
    if kind == TEXT and (old_value or "") == (new_value or ""):
        return None  # an empty text and a missing one read the same
    change = FieldChange(path=path, label=label, kind=kind, status=status, word=word)
    if kind == SCALAR:
        change.old, change.new = old_value, new_value
    elif kind == JSON:
        change.text = diff_text(_pretty_json(old_value), _pretty_json(new_value))
    else:
        change.text = diff_text(old_value, new_value)
    return change


def _diff_item(
    list_key: str, item_id: str, old: dict | None, new: dict | None
) -> ItemChange | None:
    if old == new:
        return None
    _, specs = LISTS[list_key]
    old_doc, new_doc = old or {}, new or {}
    fields: list[FieldChange] = []
    covered: set[str] = {"id"}
    for path, label, kind in specs:
        covered.add(path.split(".")[0])
        change = _field_change(path, label, kind, _get(old_doc, path), _get(new_doc, path))
        if change:
            fields.append(change)
    # Keys a later schema adds still show up, as JSON.
    for key in sorted((set(old_doc) | set(new_doc)) - covered):
        change = _field_change(
            key, key, JSON, old_doc.get(key, _MISSING), new_doc.get(key, _MISSING)
        )
        if change:
            fields.append(change)
    old_name = old.get("name") if old else None
    new_name = new.get("name") if new else None
    if old is None:
        status = "added"
    elif new is None:
        status = "removed"
    elif old_name != new_name:
        status = "renamed"
    else:
        status = "changed"
    return ItemChange(
        id=item_id, status=status, old_name=old_name, new_name=new_name, fields=fields
    )


def _diff_list(list_key: str, old_items: Any, new_items: Any) -> list[ItemChange]:
    """Items matched by id: order changes are not changes (the canonical order is by name)."""
    old_by_id = {item.get("id"): item for item in old_items or [] if isinstance(item, dict)}
    new_by_id = {item.get("id"): item for item in new_items or [] if isinstance(item, dict)}
    order: list[str] = [item_id for item_id in new_by_id]
    order += [item_id for item_id in old_by_id if item_id not in new_by_id]
    changes = []
    for item_id in order:
        change = _diff_item(list_key, item_id, old_by_id.get(item_id), new_by_id.get(item_id))
        if change:
            changes.append(change)
    return changes


def diff_documents(old: dict[str, Any] | None, new: dict[str, Any] | None) -> DocumentDiff:
    """Compare two canonical documents (None = empty side, e.g. nothing deployed)."""
    old, new = old or {}, new or {}
    sections: list[SectionDiff] = []
    nouns: dict[str, str] = {}
    covered_paths: set[str] = set()
    for key, title, specs, list_key in SECTIONS:
        section = SectionDiff(key=key, title=title)
        for path, label, kind, word in specs:
            covered_paths.add(path)
            change = _field_change(path, label, kind, _get(old, path), _get(new, path), word)
            if change:
                section.fields.append(change)
        if list_key:
            covered_paths.add(list_key)
            nouns[key] = LISTS[list_key][0]
            section.items = _diff_list(list_key, _get_list(old, list_key), _get_list(new, list_key))
        sections.append(section)
    # Other settings: every leaf the sections above do not show (schemaVersion, new keys).
    other = sections[-1]
    old_leaves, new_leaves = _leaf_paths(old), _leaf_paths(new)
    for path in sorted(set(old_leaves) | set(new_leaves)):
        if path in covered_paths:
            continue
        kind = JSON if isinstance(old_leaves.get(path, new_leaves.get(path)), list) else SCALAR
        change = _field_change(
            path, path, kind, old_leaves.get(path, _MISSING), new_leaves.get(path, _MISSING), path
        )
        if change:
            other.fields.append(change)
    return DocumentDiff(sections=sections, item_nouns=nouns)


def _get_list(document: dict[str, Any], path: str) -> list[Any]:
    value = _get(document, path)
    return value if isinstance(value, list) else []


def side_json(side: Any) -> dict[str, Any]:
    """One side of a comparison (a `versions.selectors.ResolvedRef`) as JSON."""
    version = side.version
    return {
        "ref": side.ref,
        "label": side.label,
        "nothingDeployed": side.document is None,
        "version": (
            {"id": str(version.pk), "number": version.number, "name": version.name}
            if version is not None
            else None
        ),
    }


def comparison_json(from_side: Any, to_side: Any) -> dict[str, Any]:
    """The JSON of a whole comparison, shared by compare.json and the Agents API:
    {"from": side, "to": side, "diff": DocumentDiff.to_json()}."""
    diff = diff_documents(from_side.document, to_side.document)
    return {"from": side_json(from_side), "to": side_json(to_side), "diff": diff.to_json()}


def change_summary(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    """A few words for the draft banner: "3 changes: prompt, 1 function added, temperature"."""
    return diff_documents(old, new).summary()
