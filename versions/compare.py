"""The one diff module: compares two canonical configuration documents.

Returns plain data (dataclasses) that the HTML view, the JSON view and the Agents API all
render; templates only loop. The shape:

    DocumentDiff
      sections: [SectionDiff] in a fixed order (Behaviour, Functions, ... Other settings)
        fields: [FieldChange]   changed scalars (old -> new) and long texts (TextDiff)
        items:  [ItemChange]    list items matched by their stable `id`
          fields: [FieldChange]
    TextDiff.rows: side-by-side LineRow pairs and Fold runs of unchanged lines.

Documents hold connection keys only, never credentials, so nothing secret can appear in a
diff; this module adds nothing that is not in the two documents.

Speed: long texts are diffed on interned line ids with a patience diff (common prefix and
suffix stripped, lines unique on both sides as anchors, longest increasing subsequence),
falling back to difflib only inside the small gaps between anchors. difflib on whole
5,000-line texts is quadratic around repeated lines (blank lines); see docs/compare.md.
"""

import bisect
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

# How many unchanged lines stay visible around a change, and the smallest run worth folding.
CONTEXT_LINES = 3
MIN_FOLD = 4
# Word highlighting inside a changed line pair gives up on quadratic work for huge lines.
MAX_WORD_TOKENS = 3_000
# difflib inside a gap without unique anchors is used only when the gap is small.
MAX_GAP_PRODUCT = 250_000
SMALL_REGION = 10_000
# Patience recursion deeper than this hands the region to difflib.
MAX_DEPTH = 200

TEXT: Literal["text"] = "text"
JSON: Literal["json"] = "json"
SCALAR: Literal["scalar"] = "scalar"


# --- Plain data -------------------------------------------------------------------------


@dataclass
class Span:
    """A run of a line's text; `changed` runs are highlighted."""

    text: str
    changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "changed": self.changed}


@dataclass
class Line:
    number: int
    text: str
    spans: list[Span] | None = None  # only on the two sides of a "changed" row

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"line": self.number, "text": self.text}
        if self.spans is not None:
            data["spans"] = [span.to_json() for span in self.spans]
        return data


@dataclass
class LineRow:
    """One row of a side-by-side diff. kind: equal, changed, removed (old only), added (new only)."""

    kind: str
    old: Line | None
    new: Line | None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "old": self.old.to_json() if self.old else None,
            "new": self.new.to_json() if self.new else None,
        }


@dataclass
class Fold:
    """A run of unchanged lines hidden behind "show N unchanged lines"."""

    old_start: int
    new_start: int
    lines: list[str]
    kind: str = "fold"

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def rows(self) -> list[tuple[int, int, str]]:
        return [
            (self.old_start + offset, self.new_start + offset, text)
            for offset, text in enumerate(self.lines)
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "fold",
            "count": self.count,
            "oldStart": self.old_start,
            "newStart": self.new_start,
            "lines": self.lines,
        }


@dataclass
class TextDiff:
    rows: list[LineRow | Fold]
    added: int  # lines only on the new side (including the new side of changed pairs)
    removed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "rows": [row.to_json() for row in self.rows],
        }


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


# --- Line diff --------------------------------------------------------------------------


def _split_lines(text: Any) -> list[str]:
    if text is None or text == "":
        return []
    if not isinstance(text, str):
        text = str(text)
    return text.split("\n")


def _lis_pairs(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs increasing in both coordinates (pairs sorted by the first)."""
    tails: list[int] = []  # smallest second coordinate ending a chain of each length
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, b) in enumerate(pairs):
        position = bisect.bisect_left(tails, b)
        if position == len(tails):
            tails.append(b)
            tail_index.append(index)
        else:
            tails[position] = b
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position else -1
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain


def _matching_lines(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal lines, increasing in both: a patience diff on line ids."""
    matches: list[tuple[int, int]] = []
    _patience(a, b, 0, len(a), 0, len(b), matches, 0)
    return matches


def _patience(
    a: list[int],
    b: list[int],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    out: list[tuple[int, int]],
    depth: int,
) -> None:
    """Append the matches of a[alo:ahi] and b[blo:bhi] to `out`, left to right."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append((alo, blo))
        alo += 1
        blo += 1
    suffix = 0
    while alo < ahi - suffix and blo < bhi - suffix and a[ahi - 1 - suffix] == b[bhi - 1 - suffix]:
        suffix += 1
    ahi -= suffix
    bhi -= suffix
    if alo < ahi and blo < bhi:
        if (ahi - alo) * (bhi - blo) <= SMALL_REGION or depth > MAX_DEPTH:
            # Small regions go straight to difflib, which finds better matches when few
            # lines are unique (an anchor on a rare line can skew a tiny region).
            out.extend(_difflib_matches(a, b, alo, ahi, blo, bhi))
        else:
            anchors = _unique_anchors(a, b, alo, ahi, blo, bhi)
            if not anchors:
                out.extend(_difflib_matches(a, b, alo, ahi, blo, bhi))
            else:
                i, j = alo, blo
                for anchor_i, anchor_j in anchors:
                    if i < anchor_i and j < anchor_j:
                        _patience(a, b, i, anchor_i, j, anchor_j, out, depth + 1)
                    out.append((anchor_i, anchor_j))
                    i, j = anchor_i + 1, anchor_j + 1
                if i < ahi and j < bhi:
                    _patience(a, b, i, ahi, j, bhi, out, depth + 1)
    out.extend((ahi + k, bhi + k) for k in range(suffix))


def _unique_anchors(
    a: list[int], b: list[int], alo: int, ahi: int, blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Lines that occur exactly once on each side, longest run in the same order."""
    counts_a: dict[int, int] = {}
    for line in a[alo:ahi]:
        counts_a[line] = counts_a.get(line, 0) + 1
    counts_b: dict[int, int] = {}
    position_b: dict[int, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if counts_a.get(line) == 1:
            counts_b[line] = counts_b.get(line, 0) + 1
            position_b[line] = j
    pairs = [
        (i, position_b[line])
        for i, line in enumerate(a[alo:ahi], alo)
        if counts_b.get(line) == 1 and counts_a[line] == 1
    ]
    return _lis_pairs(pairs) if pairs else []


def _difflib_matches(
    a: list[int], b: list[int], alo: int, ahi: int, blo: int, bhi: int
) -> list[tuple[int, int]]:
    if (ahi - alo) * (bhi - blo) > MAX_GAP_PRODUCT:
        return []  # a large region with no unique line in common: show it as replaced
    matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
    return [
        (alo + block.a + k, blo + block.b + k)
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]


def line_opcodes(
    old_lines: list[str], new_lines: list[str]
) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes (tag, i1, i2, j1, j2) for two lists of lines."""
    ids: dict[str, int] = {}
    a = [ids.setdefault(line, len(ids)) for line in old_lines]
    b = [ids.setdefault(line, len(ids)) for line in new_lines]
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0  # the end of the last opcode
    run_i = run_j = -1  # the start of the current run of equal lines
    for mi, mj in _matching_lines(a, b):
        if mi == i and mj == j and run_i >= 0:
            i, j = mi + 1, mj + 1  # the run of equal lines goes on
            continue
        if run_i >= 0:
            opcodes.append(("equal", run_i, i, run_j, j))
        if i < mi or j < mj:
            opcodes.append((_gap_tag(i, mi, j, mj), i, mi, j, mj))
        run_i, run_j = mi, mj
        i, j = mi + 1, mj + 1
    if run_i >= 0:
        opcodes.append(("equal", run_i, i, run_j, j))
    if i < len(a) or j < len(b):
        opcodes.append((_gap_tag(i, len(a), j, len(b)), i, len(a), j, len(b)))
    return opcodes


def _gap_tag(i1: int, i2: int, j1: int, j2: int) -> str:
    return "replace" if i1 < i2 and j1 < j2 else ("delete" if i1 < i2 else "insert")


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def word_spans(old: str, new: str) -> tuple[list[Span], list[Span]]:
    """Split a changed line pair into spans, marking the words that differ."""
    old_tokens = _TOKEN.findall(old)
    new_tokens = _TOKEN.findall(new)
    if len(old_tokens) > MAX_WORD_TOKENS or len(new_tokens) > MAX_WORD_TOKENS:
        return _prefix_suffix_spans(old, new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        _append_span(old_spans, "".join(old_tokens[i1:i2]), changed)
        _append_span(new_spans, "".join(new_tokens[j1:j2]), changed)
    return old_spans, new_spans


def _append_span(spans: list[Span], text: str, changed: bool) -> None:
    if not text:
        return
    if spans and spans[-1].changed == changed:
        spans[-1].text += text
    else:
        spans.append(Span(text, changed))


def _prefix_suffix_spans(old: str, new: str) -> tuple[list[Span], list[Span]]:
    """Linear highlighting for very long lines: everything between the common ends."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    spans = []
    for text in (old, new):
        side: list[Span] = []
        _append_span(side, text[:start], False)
        _append_span(side, text[start : len(text) - end], True)
        _append_span(side, text[len(text) - end :], False)
        spans.append(side)
    return spans[0], spans[1]


def diff_text(old: Any, new: Any, *, context: int = CONTEXT_LINES) -> TextDiff:
    """Side-by-side line diff of two texts, unchanged runs folded beyond `context` lines."""
    old_lines = _split_lines(old)
    new_lines = _split_lines(new)
    rows: list[LineRow | Fold] = []
    added = removed = 0
    opcodes = line_opcodes(old_lines, new_lines)
    last = len(opcodes) - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows.extend(_equal_rows(old_lines, i1, i2, j1, index == 0, index == last, context))
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            old_text, new_text = old_lines[i1 + k], new_lines[j1 + k]
            old_spans, new_spans = word_spans(old_text, new_text)
            rows.append(
                LineRow(
                    "changed",
                    Line(i1 + k + 1, old_text, old_spans),
                    Line(j1 + k + 1, new_text, new_spans),
                )
            )
        for i in range(i1 + pairs, i2):
            rows.append(LineRow("removed", Line(i + 1, old_lines[i]), None))
        for j in range(j1 + pairs, j2):
            rows.append(LineRow("added", None, Line(j + 1, new_lines[j])))
        removed += i2 - i1
        added += j2 - j1
    return TextDiff(rows=rows, added=added, removed=removed)


def _equal_rows(
    lines: list[str], i1: int, i2: int, j1: int, first: bool, last: bool, context: int
) -> list[LineRow | Fold]:
    keep_before = 0 if first else context  # lines shown after the previous change
    keep_after = 0 if last else context  # lines shown before the next change
    hidden = (i2 - i1) - keep_before - keep_after
    if hidden < MIN_FOLD:
        keep_before, keep_after, hidden = i2 - i1, 0, 0

    def row(offset: int) -> LineRow:
        text = lines[i1 + offset]
        return LineRow("equal", Line(i1 + offset + 1, text), Line(j1 + offset + 1, text))

    rows: list[LineRow | Fold] = [row(k) for k in range(keep_before)]
    if hidden:
        start = keep_before
        rows.append(Fold(i1 + start + 1, j1 + start + 1, lines[i1 + start : i1 + start + hidden]))
        rows.extend(row(k) for k in range(start + hidden, i2 - i1))
    return rows


# --- Documents --------------------------------------------------------------------------

# (path in the document, label, kind, banner word); paths are dotted.
Spec = tuple[str, str, str, str]

SECTIONS: list[tuple[str, str, list[Spec], str | None]] = [
    (
        "behaviour",
        "Behaviour",
        [
            ("behaviour.systemPrompt", "Prompt", TEXT, "prompt"),
            ("behaviour.welcomeMessage", "Welcome message", TEXT, "welcome message"),
        ],
        None,
    ),
    ("functions", "Functions", [], "functions"),
    ("variables", "Variables", [], "variables"),
    ("flows", "Flows", [], "flows"),
    ("knowledge", "Knowledge", [], "knowledgeBases"),
    (
        "model",
        "Model",
        [
            ("model.provider", "LLM provider", SCALAR, "LLM provider"),
            ("model.model", "Model", SCALAR, "model"),
            ("model.temperature", "Temperature", SCALAR, "temperature"),
            ("model.maxTokens", "Max tokens", SCALAR, "max tokens"),
        ],
        None,
    ),
    (
        "voice",
        "Voice and timing",
        [
            ("voice.ttsVoice", "Voice", SCALAR, "voice"),
            ("voice.sttProvider", "STT provider", SCALAR, "STT provider"),
            ("timing.vadSensitivity", "VAD sensitivity", SCALAR, "timing"),
            ("timing.allowInterruptions", "Allow interruptions", SCALAR, "timing"),
            ("timing.interruptionThresholdMs", "Interruption threshold (ms)", SCALAR, "timing"),
            ("timing.silenceTimeoutMs", "Silence timeout (ms)", SCALAR, "timing"),
            ("timing.inactivityTimeoutS", "Inactivity timeout (s)", SCALAR, "timing"),
            ("timing.inactivityMessage", "Inactivity message", TEXT, "timing"),
            ("backgroundSound.sound", "Background sound", SCALAR, "background sound"),
            ("backgroundSound.volume", "Background volume", SCALAR, "background sound"),
        ],
        None,
    ),
    (
        "callAnalysis",
        "Call analysis",
        [("callAnalysis.prompt", "Call analysis prompt", TEXT, "call analysis prompt")],
        "callAnalysis.fields",
    ),
    (
        "profile",
        "Profile",
        [
            ("profile.name", "Name", SCALAR, "name"),
            ("profile.description", "Description", TEXT, "description"),
            ("profile.language", "Language", SCALAR, "language"),
        ],
        None,
    ),
    (
        "other",
        "Other settings",
        [("schemaVersion", "Schema version", SCALAR, "schema version")],
        None,
    ),
]

# Per list: the item noun and the fields of an item in display order.
LISTS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "functions": (
        "function",
        [
            ("name", "Name", SCALAR),
            ("description", "Description", TEXT),
            ("parameters", "Parameters", JSON),
            ("endpoint.method", "Endpoint method", SCALAR),
            ("endpoint.url", "Endpoint URL", SCALAR),
            ("code", "Code", TEXT),
            ("connection", "Connection", SCALAR),
        ],
    ),
    "variables": (
        "variable",
        [("name", "Name", SCALAR), ("type", "Type", SCALAR), ("default", "Default", SCALAR)],
    ),
    "flows": ("flow", [("name", "Name", SCALAR), ("definition", "Flow definition", JSON)]),
    "knowledgeBases": (
        "knowledge base",
        [
            ("name", "Name", SCALAR),
            ("retrieval.topK", "Top K", SCALAR),
            ("retrieval.minScore", "Minimum score", SCALAR),
        ],
    ),
    "callAnalysis.fields": (
        "call analysis field",
        [("name", "Name", SCALAR), ("type", "Type", SCALAR), ("description", "Description", TEXT)],
    ),
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
