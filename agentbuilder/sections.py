"""The one registry of the parts of an agent's configuration document.

Every top-level key of the document (`agentbuilder.config.AgentConfig`) has one entry here,
and every place that walks the document by its parts reads this registry instead of keeping
its own list:

- the schema (`agentbuilder.config`): which lists it sorts canonically and keeps names and ids
  unique in;
- the editor (`agentbuilder.agent_views`, `agentbuilder.forms`): its sections in page order,
  their titles and URL slugs, item nouns and id prefixes; a form is linked to its entry by
  slug from forms.py's side;
- the compare module (`versions.compare`) and so the draft banner: field labels, diff kinds and
  banner words, grouped into the compare view's sections by `DIFF_GROUPS`;
- the read-only version view (`versions.views`): section titles and field labels.

Adding a section is a schema field in config.py and an entry here (plus, if the editor is to
edit it, its form in forms.py). This module imports nothing from the project, so the schema
can read it.
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
class Field:
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
    fields: tuple[Field, ...]  # an item's fields in compare's order ("id" is implied)
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
    fields: tuple[Field, ...] = ()  # in compare's order
    items: ItemList | None = None

    def __post_init__(self):
        if (self.items is not None) != (self.kind in (LIST, OBJECT_WITH_LIST)):
            raise ValueError(f"{self.key}: only list sections and objects with a list have items")
        if self.items is not None and self.items.path.split(".")[0] != self.key:
            raise ValueError(f"{self.key}: its list {self.items.path} is not inside it")

    def path_of(self, field: Field) -> str:
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


_NAME = Field("name", "Name")

# Every top-level key of the document; the editor's page order.
SECTIONS: tuple[Section, ...] = (
    Section(
        "profile",
        "Profile",
        OBJECT,
        slug="profile",
        fields=(
            Field("name", "Name", word="name"),
            Field("description", "Description", TEXT, word="description"),
            Field("language", "Language", word="language"),
        ),
    ),
    Section(
        "behaviour",
        "Behaviour",
        OBJECT,
        slug="behaviour",
        fields=(
            Field("systemPrompt", "System prompt", TEXT, diff_label="Prompt", word="prompt"),
            Field("welcomeMessage", "Welcome message", TEXT, word="welcome message"),
        ),
    ),
    Section(
        "model",
        "Model",
        OBJECT,
        slug="model",
        fields=(
            Field("provider", "LLM provider", word="LLM provider"),
            Field("model", "Model", word="model"),
            Field("temperature", "Temperature", word="temperature"),
            Field("maxTokens", "Max tokens", word="max tokens"),
        ),
    ),
    Section(
        "voice",
        "Voice",
        OBJECT,
        slug="voice",
        fields=(
            Field("ttsVoice", "TTS voice", diff_label="Voice", word="voice"),
            Field("sttProvider", "STT provider", word="STT provider"),
        ),
    ),
    Section(
        "timing",
        "Timing",
        OBJECT,
        slug="timing",
        fields=(
            Field("vadSensitivity", "VAD sensitivity", word="timing"),
            Field("allowInterruptions", "Allow interruptions", word="timing"),
            Field("interruptionThresholdMs", "Interruption threshold (ms)", word="timing"),
            Field("silenceTimeoutMs", "Silence timeout (ms)", word="timing"),
            Field("inactivityTimeoutS", "Inactivity timeout (s)", word="timing"),
            Field("inactivityMessage", "Inactivity message", TEXT, word="timing"),
        ),
    ),
    Section(
        "backgroundSound",
        "Background sound",
        OBJECT,
        slug="background-sound",
        fields=(
            Field("sound", "Sound", diff_label="Background sound", word="background sound"),
            Field("volume", "Volume", diff_label="Background volume", word="background sound"),
        ),
    ),
    Section(
        "knowledgeBases",
        "Knowledge bases",
        LIST,
        slug="knowledge-bases",
        items=ItemList(
            "knowledgeBases",
            slug="knowledge-bases",
            id_prefix="kb",
            noun="knowledge base",
            fields=(
                _NAME,
                Field("retrieval.topK", "Top K"),
                Field("retrieval.minScore", "Minimum score"),
            ),
        ),
    ),
    Section(
        "functions",
        "Functions",
        LIST,
        slug="functions",
        items=ItemList(
            "functions",
            slug="functions",
            id_prefix="fn",
            noun="function",
            fields=(
                _NAME,
                Field("description", "Description", TEXT),
                Field("parameters", "Parameters", JSON),
                Field("endpoint.method", "Endpoint method"),
                Field("endpoint.url", "Endpoint URL"),
                Field("code", "Code", TEXT),
                Field("connection", "Connection"),
            ),
        ),
    ),
    Section(
        "variables",
        "Variables",
        LIST,
        slug="variables",
        items=ItemList(
            "variables",
            slug="variables",
            id_prefix="var",
            noun="variable",
            fields=(_NAME, Field("type", "Type"), Field("default", "Default")),
        ),
    ),
    Section(
        "flows",
        "Flows",
        LIST,
        slug="flows",
        items=ItemList(
            "flows",
            slug="flows",
            id_prefix="flow",
            noun="flow",
            fields=(_NAME, Field("definition", "Flow definition", JSON)),
        ),
    ),
    Section(
        "callAnalysis",
        "Call analysis",
        OBJECT_WITH_LIST,
        slug="call-analysis",
        fields=(
            Field(
                "prompt",
                "Prompt",
                TEXT,
                diff_label="Call analysis prompt",
                word="call analysis prompt",
            ),
        ),
        items=ItemList(
            "callAnalysis.fields",
            slug="analysis-fields",
            id_prefix="caf",
            noun="analysis field",
            diff_noun="call analysis field",
            fields=(
                _NAME,
                Field("type", "Type"),
                Field("description", "Description", TEXT),
            ),
        ),
    ),
    Section(
        "schemaVersion",
        "Schema version",
        VALUE,
        fields=(Field("", "Schema version", word="schema version"),),
    ),
)

# The compare view's sections in its order: what changes behaviour first, the profile and
# other settings last. The last group also shows every leaf no other group names (keys a
# later schema adds), so it must stay last.
DIFF_GROUPS: tuple[DiffGroup, ...] = (
    DiffGroup("behaviour", "Behaviour", ("behaviour",)),
    DiffGroup("functions", "Functions", ("functions",)),
    DiffGroup("variables", "Variables", ("variables",)),
    DiffGroup("flows", "Flows", ("flows",)),
    DiffGroup("knowledge", "Knowledge", ("knowledgeBases",)),
    DiffGroup("model", "Model", ("model",)),
    DiffGroup("voice", "Voice and timing", ("voice", "timing", "backgroundSound")),
    DiffGroup("callAnalysis", "Call analysis", ("callAnalysis",)),
    DiffGroup("profile", "Profile", ("profile",)),
    DiffGroup("other", "Other settings", ("schemaVersion",)),
)

# The sections the editor shows, in page order; the read-only version view shows the same.
EDITOR_SECTIONS: tuple[Section, ...] = tuple(section for section in SECTIONS if section.slug)
SECTION_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
SECTION_BY_SLUG: dict[str, Section] = {section.slug: section for section in EDITOR_SECTIONS}

# Every list of items in the document, nested ones included, in page order.
ITEM_LISTS: tuple[ItemList, ...] = tuple(s.items for s in SECTIONS if s.items is not None)
LIST_BY_PATH: dict[str, ItemList] = {item_list.path: item_list for item_list in ITEM_LISTS}
LIST_BY_SLUG: dict[str, ItemList] = {item_list.slug: item_list for item_list in ITEM_LISTS}
# A list's slug -> the section that shows it.
SECTION_OF_LIST: dict[str, Section] = {s.items.slug: s for s in SECTIONS if s.items is not None}
