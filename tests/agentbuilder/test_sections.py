"""The registry of configuration sections: it covers the schema, and the schema, the editor,
compare (and so the draft banner) and the read-only version view all read it."""

import copy
import re
import typing

import pytest
from pydantic import BaseModel

from agentbuilder import agent_views, forms
from agentbuilder.config import (
    DIFF_GROUPS,
    EDITOR_SECTIONS,
    ITEM_ID_PATTERN,
    ITEM_LISTS,
    LIST_BY_PATH,
    SECTION_BY_KEY,
    SECTIONS,
    AgentConfig,
    default_document,
    new_item_id,
)
from agentbuilder.sections import LIST, OBJECT, OBJECT_WITH_LIST, VALUE
from versions import compare
from versions.compare import diff_documents
from versions.views import readonly_section


def aliases(model: type[BaseModel]) -> dict[str, typing.Any]:
    """A schema model's document keys and their types."""
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def schema_model(path: str) -> typing.Any:
    """The type at a dotted path of the document, a list's item type for a list."""
    node: typing.Any = AgentConfig
    for part in path.split("."):
        node = aliases(node)[part]
        if typing.get_origin(node) is list:
            (node,) = typing.get_args(node)
    return node


def schema_lists(model: type[BaseModel], prefix: str = "") -> set[str]:
    """The dotted paths of every list of items in the schema, nested ones included."""
    paths = set()
    for key, annotation in aliases(model).items():
        path = f"{prefix}{key}"
        if typing.get_origin(annotation) is list:
            paths.add(path)
        elif not prefix and isinstance(annotation, type) and issubclass(annotation, BaseModel):
            # Lists inside list items (a flow's steps) are item fields, not lists of the
            # document, so only the objects at the top are searched.
            paths |= schema_lists(annotation, f"{path}.")
    return paths


# --- The registry covers the schema ---------------------------------------------------


def test_it_has_a_section_per_top_level_key_of_the_schema():
    assert {section.key for section in SECTIONS} == set(aliases(AgentConfig))
    assert len(SECTIONS) == len(aliases(AgentConfig))


def test_it_has_every_list_of_the_schema():
    assert set(LIST_BY_PATH) == schema_lists(AgentConfig)
    assert "callAnalysis.fields" in LIST_BY_PATH


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.key)
def test_a_sections_fields_are_the_schemas(section):
    if section.kind == VALUE:
        assert [field.key for field in section.fields] == [""]
        return
    model = schema_model(section.key)
    if section.kind == LIST:
        assert section.fields == ()
        assert section.items.path == section.key
        return
    nested = {section.items.path.split(".")[-1]} if section.kind == OBJECT_WITH_LIST else set()
    assert section.kind in (OBJECT, OBJECT_WITH_LIST)
    assert [field.key for field in section.fields] == [
        key for key in aliases(model) if key not in nested
    ]
    for field in section.fields:
        assert field.label and field.word and field.kind in ("scalar", "text", "json")


@pytest.mark.parametrize("item_list", ITEM_LISTS, ids=lambda item_list: item_list.path)
def test_a_lists_item_fields_are_the_schemas(item_list):
    keys = {field.key.split(".")[0] for field in item_list.fields}
    assert keys | {"id"} == set(aliases(schema_model(item_list.path)))
    assert item_list.fields[0].key == "name"
    assert re.match(ITEM_ID_PATTERN, new_item_id(item_list.id_prefix))
    assert item_list.noun and item_list.slug


def test_slugs_and_id_prefixes_are_unique():
    slugs = [section.slug for section in EDITOR_SECTIONS]
    item_slugs = [item_list.slug for item_list in ITEM_LISTS]
    prefixes = [item_list.id_prefix for item_list in ITEM_LISTS]
    assert len(set(slugs)) == len(slugs)
    assert len(set(item_slugs)) == len(item_slugs)
    assert len(set(prefixes)) == len(prefixes)


def test_every_section_is_in_exactly_one_compare_group_and_other_settings_is_last():
    named = [key for group in DIFF_GROUPS for key in group.sections]
    assert sorted(named) == sorted(section.key for section in SECTIONS)
    assert DIFF_GROUPS[-1].key == "other"


# --- The schema reads it ---------------------------------------------------------------


@pytest.mark.parametrize("item_list", ITEM_LISTS, ids=lambda item_list: item_list.path)
def test_the_schema_sorts_and_checks_every_list(item_list):
    from agentbuilder.config import ConfigError, validate_document

    required = {"definition": {"start": "a", "steps": [{"id": "a"}]}, "code": "pass"}
    keys = aliases(schema_model(item_list.path))

    def item(item_id, name):
        extra = {key: value for key, value in required.items() if key in keys}
        return {"id": item_id, "name": name, **extra}

    document = default_document("Sorted")
    *parents, last = item_list.path.split(".")
    node = document
    for part in parents:
        node = node[part]
    node[last] = [
        item(f"{item_list.id_prefix}_b000", "b"),
        item(f"{item_list.id_prefix}_a000", "a"),
    ]
    canonical = validate_document(document)
    assert [i["name"] for i in compare._get(canonical, item_list.path)] == ["a", "b"]

    node[last] = [
        item(f"{item_list.id_prefix}_b000", "b"),
        item(f"{item_list.id_prefix}_a000", "b"),
    ]
    with pytest.raises(ConfigError, match=rf'{re.escape(item_list.path)}: the name "b"'):
        validate_document(document)


# --- The editor reads it ---------------------------------------------------------------


def test_the_editor_shows_the_registrys_sections_in_its_order():
    assert [(key, title) for key, title, *_ in agent_views.SECTIONS] == [
        (section.slug, section.title) for section in EDITOR_SECTIONS
    ]


@pytest.mark.parametrize("section", EDITOR_SECTIONS, ids=lambda section: section.key)
def test_every_editor_section_has_its_forms(section):
    _, _, section_form, item_form = agent_views.SECTION_BY_KEY[section.slug]
    if section.kind in (OBJECT, OBJECT_WITH_LIST):
        assert section_form.section is section
        assert set(section_form.keys.values()) == {field.key for field in section.fields}
    else:
        assert section_form is None
    if section.items is not None:
        assert item_form.item_list is section.items
        assert agent_views.ITEM_SECTION[section.items.slug] == section.slug
    else:
        assert item_form is None


def test_every_form_is_in_the_editor():
    assert set(forms.SECTION_FORMS) == {
        section.slug for section in EDITOR_SECTIONS if section.kind != LIST
    }
    assert set(forms.ITEM_FORMS) == {item_list.slug for item_list in ITEM_LISTS}


# --- Compare and the read-only version view read it ------------------------------------


def changed(value):
    return not value if isinstance(value, bool) else f"{value} changed"


@pytest.mark.parametrize(
    "section", [s for s in SECTIONS if s.fields], ids=lambda section: section.key
)
def test_compare_labels_and_words_come_from_the_registry(section):
    group = next(group for group in DIFF_GROUPS if section.key in group.sections)
    old = default_document("Compared")
    for field in section.fields:
        new = copy.deepcopy(old)
        path = section.path_of(field)
        *parents, last = path.split(".")
        node = new
        for part in parents:
            node = node[part]
        node[last] = changed(node[last])

        diff = diff_documents(old, new)

        (group_diff,) = diff.changed_sections
        assert (group_diff.key, group_diff.title) == (group.key, group.title)
        (change,) = group_diff.fields
        assert (change.path, change.label, change.kind, change.word) == (
            path,
            field.compare_label,
            field.kind,
            field.word,
        )
        assert diff.changes == [field.word]


@pytest.mark.parametrize("item_list", ITEM_LISTS, ids=lambda item_list: item_list.path)
def test_compare_names_items_with_the_registrys_noun_and_labels(item_list):
    old = default_document("Compared")
    new = copy.deepcopy(old)
    items = compare._get(new, item_list.path)
    items.append({"id": f"{item_list.id_prefix}_0001", "name": "added"})

    diff = diff_documents(old, new)

    (group_diff,) = diff.changed_sections
    (item,) = group_diff.items
    assert item.fields[0].label == item_list.fields[0].label
    assert diff.changes == [f"1 {item_list.compare_noun} added"]


@pytest.mark.parametrize("section", EDITOR_SECTIONS, ids=lambda section: section.key)
def test_the_readonly_view_labels_come_from_the_registry(section):
    shown = readonly_section(section, default_document("Shown"))
    assert (shown["key"], shown["title"]) == (section.key, section.title)
    assert sorted(label for label, *_ in shown["rows"]) == sorted(
        field.label for field in section.fields
    )


def test_the_readonly_view_names_a_key_the_registry_does_not_know():
    document = default_document("Shown")
    document["timing"]["wrapUpDelayMs"] = 5
    shown = readonly_section(SECTION_BY_KEY["timing"], document)
    assert ("Wrap up delay (ms)", "5", False) in shown["rows"]
