"""The one diff module: compares two canonical configuration documents.

Returns plain data that the HTML view, the JSON view and the Agents API all render.
(Skeleton: the compare issue replaces the internals; keep these names and signatures.)
"""

from dataclasses import dataclass, field
from typing import Any

LIST_KEYS = {
    "functions": "function",
    "variables": "variable",
    "flows": "flow",
    "knowledgeBases": "knowledge base",
}
# Scalar paths and the words the draft banner uses for them.
SCALAR_WORDS = {
    ("behaviour", "systemPrompt"): "prompt",
    ("behaviour", "welcomeMessage"): "welcome message",
    ("model", "temperature"): "temperature",
    ("model", "model"): "model",
    ("model", "provider"): "LLM provider",
    ("model", "maxTokens"): "max tokens",
    ("voice", "ttsVoice"): "voice",
    ("voice", "sttProvider"): "STT provider",
    ("profile", "name"): "name",
    ("profile", "description"): "description",
    ("profile", "language"): "language",
    ("callAnalysis", "prompt"): "call analysis prompt",
}


@dataclass
class DocumentDiff:
    changes: list[str] = field(default_factory=list)

    @property
    def change_count(self) -> int:
        return len(self.changes)

    def summary(self) -> str:
        if not self.changes:
            return "No changes"
        noun = "change" if len(self.changes) == 1 else "changes"
        return f"{len(self.changes)} {noun}: {', '.join(self.changes)}"

    def to_json(self) -> dict[str, Any]:
        return {"changeCount": self.change_count, "summary": self.summary()}


def diff_documents(old: dict[str, Any] | None, new: dict[str, Any] | None) -> DocumentDiff:
    """Compare two canonical documents (None = empty side)."""
    old, new = old or {}, new or {}
    changes: list[str] = []
    for (section, key), word in SCALAR_WORDS.items():
        if old.get(section, {}).get(key) != new.get(section, {}).get(key):
            changes.append(word)
    for section in ("timing", "backgroundSound"):
        if old.get(section) != new.get(section):
            changes.append({"timing": "timing", "backgroundSound": "background sound"}[section])
    if old.get("callAnalysis", {}).get("fields") != new.get("callAnalysis", {}).get("fields"):
        changes.append("call analysis fields")
    for key, noun in LIST_KEYS.items():
        before = {item["id"]: item for item in old.get(key, [])}
        after = {item["id"]: item for item in new.get(key, [])}
        added = len(after.keys() - before.keys())
        removed = len(before.keys() - after.keys())
        changed = sum(1 for i in before.keys() & after.keys() if before[i] != after[i])
        for count, verb in ((added, "added"), (removed, "removed"), (changed, "changed")):
            if count:
                changes.append(f"{count} {noun}{'' if count == 1 else 's'} {verb}")
    return DocumentDiff(changes=changes)


def change_summary(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    """A few words for the draft banner: "3 changes: prompt, 1 function added, temperature"."""
    return diff_documents(old, new).summary()
