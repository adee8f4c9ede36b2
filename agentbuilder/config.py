"""The one schema of an agent's configuration.

Every way into a configuration (editor forms, the API, restore, seed data) validates through
`validate_document()`, and every consumer (versions, compare, hashing, routing) reads the
canonical document it returns. The canonical document is plain JSON: camelCase keys,
lists sorted by item name, and a `schemaVersion`. Credentials are never part of it:
functions name the connection they use by its key only. Its parts (sections, lists and their
id prefixes) are described once, in the registry below the schema (SECTIONS; its
vocabulary is `agentbuilder.sections`).
"""

import hashlib
import json
import secrets
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake

from agentbuilder.sections import (
    JSON,
    LIST,
    OBJECT,
    OBJECT_WITH_LIST,
    TEXT,
    VALUE,
    DiffGroup,
    FieldSpec,
    ItemList,
    Section,
)

SCHEMA_VERSION = 1

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
ITEM_ID_PATTERN = r"^[a-z]{2,4}_[a-z0-9]{4,32}$"

Identifier = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
ItemId = Annotated[str, StringConstraints(pattern=ITEM_ID_PATTERN)]
ShortText = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(max_length=200_000)]

LANGUAGES = ("en-GB", "en-US", "fr-FR", "de-DE", "es-ES", "it-IT", "nl-NL", "pt-BR", "ja-JP")
LLM_PROVIDERS = ("openai", "anthropic", "google", "mistral", "azure-openai")
STT_PROVIDERS = ("deepgram", "google", "azure", "assemblyai", "whisper")
BACKGROUND_SOUNDS = ("none", "office", "call-centre", "cafe", "street")
VARIABLE_TYPES = ("string", "number", "boolean")
ANALYSIS_FIELD_TYPES = ("string", "number", "boolean", "enum")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Schema(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=False,
        allow_inf_nan=False,
        frozen=False,
    )


class Profile(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    language: Literal[LANGUAGES] = "en-GB"


class Behaviour(Schema):
    system_prompt: LongText = ""
    welcome_message: Annotated[str, StringConstraints(max_length=2000)] = ""


class Model(Schema):
    provider: Literal[LLM_PROVIDERS] = "openai"
    model: Annotated[str, StringConstraints(min_length=1, max_length=100)] = "gpt-4o-mini"
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.7
    max_tokens: Annotated[int, Field(ge=1, le=32_000)] = 512


class Voice(Schema):
    tts_voice: Annotated[str, StringConstraints(min_length=1, max_length=100)] = "alloy"
    stt_provider: Literal[STT_PROVIDERS] = "deepgram"


class Timing(Schema):
    vad_sensitivity: Annotated[float, Field(ge=0, le=1)] = 0.5
    allow_interruptions: bool = True
    interruption_threshold_ms: Annotated[int, Field(ge=0, le=5_000)] = 300
    silence_timeout_ms: Annotated[int, Field(ge=100, le=60_000)] = 800
    inactivity_timeout_s: Annotated[int, Field(ge=5, le=3_600)] = 30
    inactivity_message: Annotated[str, StringConstraints(max_length=500)] = ""


class BackgroundSound(Schema):
    sound: Literal[BACKGROUND_SOUNDS] = "none"
    volume: Annotated[float, Field(ge=0, le=1)] = 0.3


class Retrieval(Schema):
    top_k: Annotated[int, Field(ge=1, le=50)] = 5
    min_score: Annotated[float, Field(ge=0, le=1)] = 0.5


class KnowledgeBase(Schema):
    id: ItemId
    name: Identifier
    retrieval: Retrieval = Retrieval()


class Endpoint(Schema):
    method: Literal[HTTP_METHODS] = "POST"
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]


class Function(Schema):
    id: ItemId
    name: Identifier
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    endpoint: Endpoint | None = None
    code: Annotated[str, StringConstraints(max_length=100_000)] | None = None
    connection: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")] | None = (
        None
    )

    @field_validator("parameters")
    @classmethod
    def parameters_are_a_json_schema_object(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value.get("type") != "object":
            raise ValueError('parameters must be a JSON schema with "type": "object"')
        properties = value.get("properties", {})
        if not isinstance(properties, dict):
            raise ValueError("parameters.properties must be an object")
        for prop_name, prop in properties.items():
            if not isinstance(prop, dict) or "type" not in prop:
                raise ValueError(f'parameter "{prop_name}" needs a "type"')
        required = value.get("required", [])
        if not isinstance(required, list) or any(r not in properties for r in required):
            raise ValueError("parameters.required must list names of defined properties")
        return value

    @model_validator(mode="after")
    def endpoint_or_code(self) -> "Function":
        if (self.endpoint is None) == (self.code is None):
            raise ValueError("a function needs exactly one of an endpoint or code")
        return self


class Variable(Schema):
    id: ItemId
    name: Identifier
    type: Literal[VARIABLE_TYPES] = "string"
    default: str | float | bool | None = None

    @model_validator(mode="after")
    def default_matches_type(self) -> "Variable":
        if self.default is None:
            return self
        expected = {"string": str, "number": (int, float), "boolean": bool}[self.type]
        if isinstance(self.default, bool) and self.type != "boolean":
            raise ValueError(f"default must be a {self.type}")
        if not isinstance(self.default, expected):
            raise ValueError(f"default must be a {self.type}")
        return self


class Transition(Schema):
    to: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    condition: Annotated[str, StringConstraints(max_length=500)] = ""


class FlowStep(Schema):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    prompt: Annotated[str, StringConstraints(max_length=20_000)] = ""
    transitions: list[Transition] = Field(default_factory=list)


class FlowDefinition(Schema):
    start: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    steps: Annotated[list[FlowStep], Field(min_length=1, max_length=500)]

    @model_validator(mode="after")
    def steps_are_connected(self) -> "FlowDefinition":
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f'step "{step.id}" is defined twice')
            seen.add(step.id)
        if self.start not in seen:
            raise ValueError(f'start step "{self.start}" is not one of the steps')
        for step in self.steps:
            for transition in step.transitions:
                if transition.to not in seen:
                    raise ValueError(
                        f'step "{step.id}" has a transition to unknown step "{transition.to}"'
                    )
        return self


class Flow(Schema):
    id: ItemId
    name: Identifier
    definition: FlowDefinition


class AnalysisField(Schema):
    id: ItemId
    name: Identifier
    type: Literal[ANALYSIS_FIELD_TYPES] = "string"
    description: Annotated[str, StringConstraints(max_length=1000)] = ""


class CallAnalysis(Schema):
    prompt: Annotated[str, StringConstraints(max_length=20_000)] = ""
    fields: list[AnalysisField] = Field(default_factory=list, max_length=200)


class AgentConfig(Schema):
    schema_version: Literal[SCHEMA_VERSION] = SCHEMA_VERSION
    profile: Profile
    behaviour: Behaviour = Behaviour()
    model: Model = Model()
    voice: Voice = Voice()
    timing: Timing = Timing()
    background_sound: BackgroundSound = BackgroundSound()
    knowledge_bases: list[KnowledgeBase] = Field(default_factory=list, max_length=200)
    functions: list[Function] = Field(default_factory=list, max_length=2_000)
    variables: list[Variable] = Field(default_factory=list, max_length=1_000)
    flows: list[Flow] = Field(default_factory=list, max_length=200)
    call_analysis: CallAnalysis = CallAnalysis()

    @model_validator(mode="after")
    def names_and_ids_are_unique(self) -> "AgentConfig":
        for item_list in ITEM_LISTS:
            list_name, items = item_list.path, self
            for part in list_name.split("."):
                items = getattr(items, to_snake(part))
            names, ids = set(), set()
            for item in items:
                if item.name in names:
                    raise ValueError(f'{list_name}: the name "{item.name}" is used twice')
                if item.id in ids:
                    raise ValueError(f'{list_name}: the id "{item.id}" is used twice')
                names.add(item.name)
                ids.add(item.id)
        return self


# --- The registry of the document's parts (vocabulary: agentbuilder.sections) ----------

_NAME = FieldSpec("name", "Name")

# Every top-level key of the document; the editor's page order.
SECTIONS: tuple[Section, ...] = (
    Section(
        "profile",
        "Profile",
        OBJECT,
        slug="profile",
        fields=(
            FieldSpec("name", "Name", word="name"),
            FieldSpec("description", "Description", TEXT, word="description"),
            FieldSpec("language", "Language", word="language"),
        ),
    ),
    Section(
        "behaviour",
        "Behaviour",
        OBJECT,
        slug="behaviour",
        fields=(
            FieldSpec("systemPrompt", "System prompt", TEXT, diff_label="Prompt", word="prompt"),
            FieldSpec("welcomeMessage", "Welcome message", TEXT, word="welcome message"),
        ),
    ),
    Section(
        "model",
        "Model",
        OBJECT,
        slug="model",
        fields=(
            FieldSpec("provider", "LLM provider", word="LLM provider"),
            FieldSpec("model", "Model", word="model"),
            FieldSpec("temperature", "Temperature", word="temperature"),
            FieldSpec("maxTokens", "Max tokens", word="max tokens"),
        ),
    ),
    Section(
        "voice",
        "Voice",
        OBJECT,
        slug="voice",
        fields=(
            FieldSpec("ttsVoice", "TTS voice", diff_label="Voice", word="voice"),
            FieldSpec("sttProvider", "STT provider", word="STT provider"),
        ),
    ),
    Section(
        "timing",
        "Timing",
        OBJECT,
        slug="timing",
        fields=(
            FieldSpec("vadSensitivity", "VAD sensitivity", word="timing"),
            FieldSpec("allowInterruptions", "Allow interruptions", word="timing"),
            FieldSpec("interruptionThresholdMs", "Interruption threshold (ms)", word="timing"),
            FieldSpec("silenceTimeoutMs", "Silence timeout (ms)", word="timing"),
            FieldSpec("inactivityTimeoutS", "Inactivity timeout (s)", word="timing"),
            FieldSpec("inactivityMessage", "Inactivity message", TEXT, word="timing"),
        ),
    ),
    Section(
        "backgroundSound",
        "Background sound",
        OBJECT,
        slug="background-sound",
        fields=(
            FieldSpec("sound", "Sound", diff_label="Background sound", word="background sound"),
            FieldSpec("volume", "Volume", diff_label="Background volume", word="background sound"),
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
                FieldSpec("retrieval.topK", "Top K"),
                FieldSpec("retrieval.minScore", "Minimum score"),
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
                FieldSpec("description", "Description", TEXT),
                FieldSpec("parameters", "Parameters", JSON),
                FieldSpec("endpoint.method", "Endpoint method"),
                FieldSpec("endpoint.url", "Endpoint URL"),
                FieldSpec("code", "Code", TEXT),
                FieldSpec("connection", "Connection"),
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
            fields=(_NAME, FieldSpec("type", "Type"), FieldSpec("default", "Default")),
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
            fields=(_NAME, FieldSpec("definition", "Flow definition", JSON)),
        ),
    ),
    Section(
        "callAnalysis",
        "Call analysis",
        OBJECT_WITH_LIST,
        slug="call-analysis",
        fields=(
            FieldSpec(
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
                FieldSpec("type", "Type"),
                FieldSpec("description", "Description", TEXT),
            ),
        ),
    ),
    Section(
        "schemaVersion",
        "Schema version",
        VALUE,
        fields=(FieldSpec("", "Schema version", word="schema version"),),
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


class ConfigError(ValueError):
    """A configuration failed validation; `errors` maps a dotted path to a readable message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors.items()))


def _readable_errors(exc: ValidationError, document: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        path = _readable_path(error["loc"], document)
        message = error["msg"].removeprefix("Value error, ")
        errors.setdefault(path or "document", message)
    return errors


def _readable_path(loc: tuple, document: Any) -> str:
    """Turn ('flows', 0, 'definition', 'steps', 2, 'id') into flows[checkout].definition...

    Items of the top-level lists are named by their name where the document has one, so a
    message points at "flows[checkout]" rather than at an index the user never sees.
    """
    parts: list[str] = []
    node = document
    for key in loc:
        if isinstance(key, int):
            name = (
                node[key].get("name")
                if isinstance(node, list) and key < len(node) and isinstance(node[key], dict)
                else None
            )
            parts[-1:] = [f"{parts[-1]}[{name if name else key}]"] if parts else [f"[{key}]"]
        else:
            parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def validate_document(document: Any) -> dict[str, Any]:
    """Validate a configuration document and return its canonical form.

    Raises ConfigError with readable, field-addressed messages.
    """
    if not isinstance(document, dict):
        raise ConfigError({"document": "the configuration must be a JSON object"})
    try:
        config = AgentConfig.model_validate(document)
    except ValidationError as exc:
        raise ConfigError(_readable_errors(exc, document)) from None
    return canonical_document(config)


def canonical_document(config: AgentConfig) -> dict[str, Any]:
    """The canonical JSON document of a validated configuration.

    Lists are sorted by item name, so two configurations that differ only in the order items
    were added produce the same document and the same hash.
    """
    document = config.model_dump(mode="json", by_alias=True)
    for item_list in ITEM_LISTS:
        *parents, last = item_list.path.split(".")
        node = document
        for part in parents:
            node = node[part]
        node[last] = sorted(node[last], key=lambda item: (item["name"], item["id"]))
    # Round-trip through canonical JSON so key order is stable in memory too.
    return json.loads(canonical_json(_without_negative_zero(document)))


def _without_negative_zero(value: Any) -> Any:
    """-0.0 becomes 0.0: PostgreSQL's jsonb has no negative zero, so a document holding one
    would hash differently after a round trip through the database."""
    if isinstance(value, float) and value == 0:
        return 0.0
    if isinstance(value, dict):
        return {key: _without_negative_zero(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_negative_zero(item) for item in value]
    return value


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def document_sha256(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def new_item_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(6)}"


def default_document(name: str) -> dict[str, Any]:
    """A new agent's starting configuration."""
    return validate_document({"profile": {"name": name}})
