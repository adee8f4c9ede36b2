"""Unit tests of the diff module on hand-made pairs of canonical documents."""

import copy
import json

from agentbuilder.config import default_document, validate_document
from versions.compare import (
    Fold,
    LineRow,
    change_summary,
    diff_documents,
    diff_text,
    line_opcodes,
    word_spans,
)


def base(**changes):
    document = default_document("Support line")
    document["behaviour"]["systemPrompt"] = "\n".join(f"Rule {n}: be kind." for n in range(1, 21))
    document["functions"] = [
        {
            "id": "fn_book01",
            "name": "book_table",
            "description": "Book a table",
            "parameters": {"type": "object", "properties": {"size": {"type": "number"}}},
            "code": "def run(size):\n    return book(size)\n",
        }
    ]
    document["variables"] = [{"id": "var_city01", "name": "city", "type": "string"}]
    document["flows"] = [
        {
            "id": "flow_main01",
            "name": "checkout",
            "definition": {"start": "a", "steps": [{"id": "a", "prompt": "Hello"}]},
        }
    ]
    document["knowledgeBases"] = [{"id": "kb_menu01", "name": "menu"}]
    document["callAnalysis"]["fields"] = [{"id": "af_mood01", "name": "mood"}]
    document = validate_document(document)
    for path, value in changes.items():
        node = document
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return document


def section(diff, key):
    return next(s for s in diff.sections if s.key == key)


def rows_of(text_diff, kind):
    return [row for row in text_diff.rows if row.kind == kind]


# --- Whole documents ----------------------------------------------------------------------


def test_it_finds_no_differences_between_identical_documents():
    diff = diff_documents(base(), base())
    assert diff.identical
    assert diff.change_count == 0
    assert diff.summary() == "No changes"
    assert [s.key for s in diff.sections] == [
        "behaviour",
        "functions",
        "variables",
        "flows",
        "knowledge",
        "model",
        "voice",
        "callAnalysis",
        "profile",
        "other",
    ]


def test_it_treats_two_empty_sides_as_identical():
    assert diff_documents(None, None).identical
    assert diff_documents({}, None).identical


def test_it_shows_everything_as_added_against_an_empty_side():
    diff = diff_documents(None, base())
    assert not diff.identical
    prompt = section(diff, "behaviour").fields[0]
    assert prompt.status == "added"
    assert prompt.text.added == 20 and prompt.text.removed == 0
    assert all(row.kind == "added" for row in prompt.text.rows)
    functions = section(diff, "functions").items
    assert [(i.status, i.new_name) for i in functions] == [("added", "book_table")]
    temperature = next(f for f in section(diff, "model").fields if f.label == "Temperature")
    assert (temperature.old, temperature.new, temperature.status) == (None, 0.7, "added")


def test_it_shows_everything_as_removed_when_the_new_side_is_empty():
    diff = diff_documents(base(), None)
    assert section(diff, "functions").items[0].status == "removed"
    assert section(diff, "behaviour").fields[0].text.removed == 20


def test_it_writes_the_banner_summary_in_section_order():
    new = base(model__temperature=0.2)
    new["behaviour"]["systemPrompt"] += "\nRule 21: be brief."
    new["functions"].append(
        {
            "id": "fn_cancel1",
            "name": "cancel",
            "description": "",
            "parameters": {"type": "object", "properties": {}},
            "endpoint": {"method": "POST", "url": "https://example.com/cancel"},
            "code": None,
            "connection": None,
        }
    )
    diff = diff_documents(base(), new)
    assert diff.summary() == "3 changes: prompt, 1 function added, temperature"
    assert change_summary(base(), new) == diff.summary()
    assert diff.changes == ["prompt", "1 function added", "temperature"]


def test_it_counts_changes_per_section():
    new = base(model__temperature=0.2, model__model="gpt-4o")
    new["variables"][0]["type"] = "number"
    diff = diff_documents(base(), new)
    assert section(diff, "model").change_count == 2
    assert section(diff, "variables").change_count == 1
    assert section(diff, "behaviour").change_count == 0
    assert diff.change_count == 3


# --- Scalars -------------------------------------------------------------------------------


def test_it_shows_scalars_old_to_new():
    diff = diff_documents(base(), base(voice__ttsVoice="nova", timing__allowInterruptions=False))
    fields = {f.label: f for f in section(diff, "voice").fields}
    assert (fields["Voice"].old, fields["Voice"].new) == ("alloy", "nova")
    assert fields["Voice"].kind == "scalar"
    assert (
        fields["Allow interruptions"].old_display,
        fields["Allow interruptions"].new_display,
    ) == (
        "on",
        "off",
    )
    assert diff.changes == ["voice", "timing"]


def test_it_groups_profile_and_background_sound():
    new = base(profile__language="fr-FR")
    new["backgroundSound"]["sound"] = "cafe"
    diff = diff_documents(base(), new)
    assert [f.label for f in section(diff, "profile").fields] == ["Language"]
    assert [f.label for f in section(diff, "voice").fields] == ["Background sound"]


def test_it_puts_unknown_keys_in_other_settings():
    new = base(schemaVersion=2)
    new["experimental"] = {"beta": True}
    diff = diff_documents(base(), new)
    other = {f.path: f for f in section(diff, "other").fields}
    assert other["schemaVersion"].old == 1 and other["schemaVersion"].new == 2
    assert other["schemaVersion"].label == "Schema version"
    assert other["experimental.beta"].status == "added"


# --- Lists matched by id ---------------------------------------------------------------------


def test_it_ignores_a_reordered_list():
    old, new = base(), base()
    new["variables"] = [
        {"id": "var_zone01", "name": "zone", "type": "string", "default": None},
        *new["variables"],
    ]
    old["variables"] = list(reversed(new["variables"]))
    assert diff_documents(old, new).identical


def test_it_reads_a_renamed_item_with_the_same_id_as_renamed():
    new = base()
    new["functions"][0]["name"] = "reserve_table"
    items = section(diff_documents(base(), new), "functions").items
    assert len(items) == 1
    item = items[0]
    assert (item.status, item.old_name, item.new_name, item.id) == (
        "renamed",
        "book_table",
        "reserve_table",
        "fn_book01",
    )
    assert [(f.label, f.old, f.new) for f in item.fields] == [
        ("Name", "book_table", "reserve_table")
    ]


def test_it_reads_same_name_with_a_new_id_as_removed_and_added():
    new = base()
    new["variables"][0]["id"] = "var_city02"
    items = section(diff_documents(base(), new), "variables").items
    assert sorted(i.status for i in items) == ["added", "removed"]


def test_it_diffs_function_code_line_by_line():
    new = base()
    new["functions"][0]["code"] = "def run(size):\n    return book(size, hold=True)\n"
    item = section(diff_documents(base(), new), "functions").items[0]
    assert item.status == "changed"
    (code,) = item.fields
    assert code.label == "Code" and code.kind == "text"
    (changed,) = rows_of(code.text, "changed")
    assert changed.old.number == changed.new.number == 2
    assert [s.text for s in changed.new.spans if s.changed] == [", hold=True"]


def test_it_diffs_function_parameters_as_pretty_json():
    new = base()
    new["functions"][0]["parameters"]["properties"]["time"] = {"type": "string"}
    (parameters,) = section(diff_documents(base(), new), "functions").items[0].fields
    assert parameters.kind == "json"
    added = [row.new.text for row in rows_of(parameters.text, "added")]
    assert any('"time": {' in line for line in added)


def test_it_diffs_flow_json_pretty_printed():
    new = base()
    new["flows"][0]["definition"]["steps"][0]["prompt"] = "Hello there"
    (definition,) = section(diff_documents(base(), new), "flows").items[0].fields
    assert definition.label == "Flow definition"
    (changed,) = rows_of(definition.text, "changed")
    assert changed.old.text.strip() == '"prompt": "Hello",'
    assert [s.text for s in changed.new.spans if s.changed] == [" there"]


def test_it_diffs_knowledge_bases_and_call_analysis_fields():
    new = base()
    new["knowledgeBases"][0]["retrieval"]["topK"] = 8
    new["callAnalysis"]["fields"][0]["description"] = "How the caller felt"
    diff = diff_documents(base(), new)
    (kb,) = section(diff, "knowledge").items
    assert [(f.label, f.old, f.new) for f in kb.fields] == [("Top K", 5, 8)]
    (analysis_field,) = section(diff, "callAnalysis").items
    assert analysis_field.fields[0].label == "Description"
    assert diff.changes == ["1 knowledge base changed", "1 call analysis field changed"]


def test_it_diffs_an_endpoint_swapped_for_code():
    new = base()
    new["functions"][0]["code"] = None
    new["functions"][0]["endpoint"] = {"method": "GET", "url": "https://example.com/book"}
    fields = {f.label: f for f in section(diff_documents(base(), new), "functions").items[0].fields}
    assert fields["Endpoint URL"].status == "added"
    assert fields["Code"].text.removed == 3 and fields["Code"].text.added == 0


# --- Text ------------------------------------------------------------------------------------


def test_it_pairs_changed_lines_side_by_side_with_word_spans():
    text = diff_text("Greet the caller.\nAsk for a name.", "Greet the caller.\nAsk for a surname.")
    (changed,) = rows_of(text, "changed")
    assert [(s.text, s.changed) for s in changed.old.spans] == [
        ("Ask for a ", False),
        ("name", True),
        (".", False),
    ]
    assert [(s.text, s.changed) for s in changed.new.spans] == [
        ("Ask for a ", False),
        ("surname", True),
        (".", False),
    ]


def test_it_folds_long_unchanged_runs():
    old = "\n".join(f"line {n}" for n in range(1, 101))
    new = old.replace("line 50\n", "line fifty\n")
    text = diff_text(old, new)
    folds = [row for row in text.rows if isinstance(row, Fold)]
    assert [(f.count, f.old_start) for f in folds] == [(46, 1), (47, 54)]
    assert [row.old.number for row in text.rows if isinstance(row, LineRow)] == [
        47,
        48,
        49,
        50,
        51,
        52,
        53,
    ]
    assert folds[1].rows[0] == (54, 54, "line 54")


def test_it_does_not_fold_short_runs():
    text = diff_text("a\nb\nc\nd", "a\nb\nX\nd")
    assert not any(isinstance(row, Fold) for row in text.rows)
    assert [row.kind for row in text.rows] == ["equal", "equal", "changed", "equal"]


def test_it_shows_inserted_and_deleted_lines_unpaired():
    text = diff_text("one\ntwo\nthree", "one\nthree\nfour")
    assert [row.kind for row in text.rows] == ["equal", "removed", "equal", "added"]
    assert (text.added, text.removed) == (1, 1)


def test_it_diffs_unicode_words():
    old_spans, new_spans = word_spans("Grüße aus Köln 🎉", "Grüße aus München 🎉")
    assert [s.text for s in old_spans if s.changed] == ["Köln"]
    assert [s.text for s in new_spans if s.changed] == ["München"]


def test_it_highlights_a_very_long_line_without_quadratic_work():
    words = " ".join(f"w{n}" for n in range(20_000))
    old_spans, new_spans = word_spans(words, words.replace("w10000 ", "CHANGED "))
    assert "".join(s.text for s in new_spans) == words.replace("w10000 ", "CHANGED ")
    assert [s.text for s in new_spans if s.changed] == ["CHANGED"]
    assert "".join(s.text for s in old_spans) == words


def test_it_keeps_the_diff_minimal_around_repeated_blank_lines():
    old = "\n".join(["intro", "", "a", "", "b", "", "c", "", "outro"])
    new = "\n".join(["intro", "", "a", "", "B", "", "c", "", "outro"])
    text = diff_text(old, new)
    assert (text.added, text.removed) == (1, 1)


def test_line_opcodes_rebuild_the_new_text():
    old = [f"line {n % 13}" for n in range(300)]
    new = copy.copy(old)
    del new[10:20]
    new[100:100] = ["inserted"] * 5
    new[200] = "changed"
    opcodes = line_opcodes(old, new)
    rebuilt = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
        rebuilt += new[j1:j2]
    assert rebuilt == new


def test_it_serialises_to_camel_case_json():
    new = base(model__temperature=0.2)
    new["behaviour"]["systemPrompt"] = new["behaviour"]["systemPrompt"].replace("Rule 10", "R10")
    data = json.loads(json.dumps(diff_documents(base(), new).to_json()))
    assert data["changeCount"] == 2
    assert data["identical"] is False
    behaviour = data["sections"][0]
    assert behaviour["key"] == "behaviour" and behaviour["changeCount"] == 1
    prompt = behaviour["fields"][0]
    assert prompt["path"] == "behaviour.systemPrompt"
    types = [row["type"] for row in prompt["diff"]["rows"]]
    assert types == [
        "fold",
        "equal",
        "equal",
        "equal",
        "changed",
        "equal",
        "equal",
        "equal",
        "fold",
    ]
    assert prompt["diff"]["rows"][0]["oldStart"] == 1
    assert prompt["diff"]["rows"][0]["count"] == 6
    changed = prompt["diff"]["rows"][4]
    assert changed["new"]["spans"][0] == {"text": "R10", "changed": True}
    model = data["sections"][5]
    assert model["fields"] == [
        {
            "path": "model.temperature",
            "label": "Temperature",
            "kind": "scalar",
            "status": "changed",
            "old": 0.7,
            "new": 0.2,
        }
    ]


def test_it_never_adds_credentials():
    old = base()
    new = base()
    new["functions"][0]["connection"] = "crm-prod"
    data = json.dumps(diff_documents(old, new).to_json())
    assert "crm-prod" in data
    assert "secret" not in data.lower()


def test_it_skips_empty_texts_against_a_missing_side():
    diff = diff_documents(base(), None)
    labels = [f.label for f in section(diff, "behaviour").fields]
    assert labels == ["Prompt"]  # the welcome message is empty, so there is nothing to show


def test_it_returns_no_rows_for_two_empty_texts():
    text = diff_text("", None)
    assert (text.rows, text.added, text.removed) == ([], 0, 0)
