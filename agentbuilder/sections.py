"""The vocabulary of the one registry of the parts of an agent's configuration document.

The registry itself (`SECTIONS`, `DIFF_GROUPS` and the lookups built from them) stands in
`agentbuilder.config`, right after the schema, so that a section is declared in one module:
its schema model, its field in `AgentConfig` and its entry. Every place that walks the
document by its parts reads that registry instead of keeping its own list:

- the schema (`agentbuilder.config`): which lists it sorts canonically and keeps names and ids
  unique in;
- the editor (`agentbuilder.agent_views`, `agentbuilder.forms`): its sections in page order,
  their titles and URL slugs, item nouns and id prefixes; a form is linked to its entry by
  slug from forms.py's side;
- the compare module (`versions.compare`) and so the draft banner: field labels, diff kinds and
  banner words, grouped into the compare view's sections by `DIFF_GROUPS`;
- the read-only version view (`versions.views`): section titles and field labels.

Adding a section touches config.py (its schema model, its `AgentConfig` field and its
registry entry) and, if the editor is to edit it, forms.py (its form). This module imports
nothing from the project, so the schema can read it.
"""

from dataclasses import dataclass
from typing import Literal

# How compare diffs a field: old -> new, line by line, or as pretty-printed JSON lines.
SCALAR: Literal["scalar"] = "scalar"
TEXT: Literal["text"] = "text"
JSON: Literal["json"] = "json"

# What a section of the document is.
OBJECT = "object"  # an object of settings: "model"
LIST = "list"  # a list of named items: "functions"
OBJECT_WITH_LIST = "object-with-list"  # settings and a nested list: "callAnalysis"
VALUE = "value"  # a single value: "schemaVersion"


@dataclass(frozen=True)
class FieldSpec:
    """A field of a section, or of a list's items.

    `key` is relative to its section or item, dotted when nested ("retrieval.topK"); the
    empty key is a VALUE section's own value. `label` names the field where its section is
    named too (the read-only version view; compare's item fields); `diff_label` names it in
    the compare view, where voice, timing and background sound share one heading. `word` is
    the draft banner's word for a change to a section field ("prompt").
    """

    key: str
    label: str
    kind: str = SCALAR
    diff_label: str = ""
    word: str = ""

    @property
    def compare_label(self) -> str:
        return self.diff_label or self.label


@dataclass(frozen=True)
class ItemList:
    """A list of named items, each kept by a stable id ("fn_3f9a0c1b2d4e")."""

    path: str  # in the document, dotted when nested: "functions", "callAnalysis.fields"
    slug: str  # the editor's URL segment: "analysis-fields"
    id_prefix: str  # "fn"
    noun: str  # one item, in the editor: "analysis field"
    fields: tuple[FieldSpec, ...]  # an item's fields in compare's order ("id" is implied)
    diff_noun: str = ""  # one item, in the banner's words, if not `noun`

    @property
    def compare_noun(self) -> str:
        return self.diff_noun or self.noun


@dataclass(frozen=True)
class Section:
    """A top-level key of the document. `slug` is the editor's URL segment and id
    ("section-background-sound"); a section without one is not shown in the editor or the
    read-only version view."""

    key: str  # camelCase, as in the document: "backgroundSound"
    title: str
    kind: str
    slug: str = ""
    fields: tuple[FieldSpec, ...] = ()  # in compare's order
    items: ItemList | None = None

    def __post_init__(self):
        if (self.items is not None) != (self.kind in (LIST, OBJECT_WITH_LIST)):
            raise ValueError(f"{self.key}: only list sections and objects with a list have items")
        if self.items is not None and self.items.path.split(".")[0] != self.key:
            raise ValueError(f"{self.key}: its list {self.items.path} is not inside it")

    def path_of(self, field: FieldSpec) -> str:
        """The dotted path of one of its fields in the document: "timing.silenceTimeoutMs"."""
        return f"{self.key}.{field.key}" if field.key else self.key

    def label_for(self, key: str) -> str | None:
        """The label of its field at `key`, or None for a key the registry does not know."""
        return next((field.label for field in self.fields if field.key == key), None)


@dataclass(frozen=True)
class DiffGroup:
    """A section of the compare view: registry sections (by key) under one heading."""

    key: str
    title: str
    sections: tuple[str, ...]
