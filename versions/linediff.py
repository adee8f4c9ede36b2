"""Line diffs of long texts, side by side, with changed words highlighted.

`diff_text(old, new)` returns a TextDiff: rows of LineRow pairs (equal, changed with word
spans, removed, added) and Fold runs of unchanged lines. Used by `versions.compare` for
prompts, code and pretty-printed JSON.

Speed: lines are interned to integers and diffed with a patience diff (common prefix and
suffix stripped, lines unique on both sides as anchors, longest increasing subsequence),
falling back to difflib only inside small gaps between anchors. difflib on a whole
5,000-line text is far slower because blank lines repeat; see docs/compare.md.
"""

import bisect
import difflib
import re
from dataclasses import dataclass
from typing import Any

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
