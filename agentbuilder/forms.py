"""Editor forms: each turns the posted fields of one section (or one list item) into a new
configuration document.

The forms only parse what the browser sends (numbers, JSON text, choices); every rule of the
configuration itself lives in `agentbuilder.config` and is enforced by `draft_save`. Its
dotted error paths ("model.temperature", "flows[checkout].definition.steps[2].id") are mapped
back to the form field they came from by `errors_for_fields`, so each message shows next to
its field.

Each form names its entry in the registry of sections (`agentbuilder.config`) by slug and
takes the document key, list path, id prefix and noun from it; the editor finds a section's
form by that slug in SECTION_FORMS and ITEM_FORMS.
"""

import copy
import json
import re
from typing import Any

from django import forms

from agentbuilder import config
from agentbuilder.config import LIST_BY_SLUG, SECTION_BY_SLUG
from agentbuilder.sections import ItemList, Section


class FloatField(forms.FloatField):
    """A float field that never yields -0.0: PostgreSQL's jsonb stores -0.0 as 0, so a
    document holding it would no longer match its own hash once read back."""

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else number + 0.0


JSON_TEXTAREA = forms.Textarea(attrs={"class": "code", "rows": 10, "spellcheck": "false"})


class RevisionForm(forms.Form):
    """Carries the draft revision the user's page was based on (see StaleRevision)."""

    # The class lets one out-of-band swap refresh every form's revision after a save.
    base_revision = forms.IntegerField(
        min_value=1, widget=forms.HiddenInput(attrs={"class": "draft-revision"})
    )


class SectionForm(RevisionForm):
    """A form for one object of the document (`section`, its registry entry), field name ->
    document key."""

    section: Section
    keys: dict[str, str] = {}

    @classmethod
    def initial_from(cls, document: dict[str, Any]) -> dict[str, Any]:
        values = document.get(cls.section.key, {})
        return {field: values.get(key) for field, key in cls.keys.items()}

    def apply(self, document: dict[str, Any]) -> dict[str, Any]:
        new = copy.deepcopy(document)
        target = new.setdefault(self.section.key, {})
        for field, key in self.keys.items():
            target[key] = self.cleaned_data[field]
        return new

    def field_for_error(self, path: str, message: str) -> str | None:
        prefix = f"{self.section.key}."
        if not path.startswith(prefix):
            return None
        key = path[len(prefix) :].split(".")[0]
        return next((field for field, k in self.keys.items() if k == key), None)


def _choices(values) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class ProfileForm(SectionForm):
    section = SECTION_BY_SLUG["profile"]
    keys = {"name": "name", "description": "description", "language": "language"}

    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    language = forms.ChoiceField(choices=_choices(config.LANGUAGES))


class BehaviourForm(SectionForm):
    section = SECTION_BY_SLUG["behaviour"]
    keys = {"system_prompt": "systemPrompt", "welcome_message": "welcomeMessage"}

    system_prompt = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    welcome_message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LanguageModelForm(SectionForm):
    section = SECTION_BY_SLUG["model"]
    keys = {
        "provider": "provider",
        "model": "model",
        "temperature": "temperature",
        "max_tokens": "maxTokens",
    }

    provider = forms.ChoiceField(label="LLM provider", choices=_choices(config.LLM_PROVIDERS))
    model = forms.CharField(max_length=100)
    temperature = FloatField(help_text="0 to 2.")
    max_tokens = forms.IntegerField(help_text="1 to 32,000.")


class VoiceForm(SectionForm):
    section = SECTION_BY_SLUG["voice"]
    keys = {"tts_voice": "ttsVoice", "stt_provider": "sttProvider"}

    tts_voice = forms.CharField(label="TTS voice", max_length=100)
    stt_provider = forms.ChoiceField(label="STT provider", choices=_choices(config.STT_PROVIDERS))


class TimingForm(SectionForm):
    section = SECTION_BY_SLUG["timing"]
    keys = {
        "vad_sensitivity": "vadSensitivity",
        "allow_interruptions": "allowInterruptions",
        "interruption_threshold_ms": "interruptionThresholdMs",
        "silence_timeout_ms": "silenceTimeoutMs",
        "inactivity_timeout_s": "inactivityTimeoutS",
        "inactivity_message": "inactivityMessage",
    }

    vad_sensitivity = FloatField(label="VAD sensitivity", help_text="0 to 1.")
    allow_interruptions = forms.BooleanField(required=False)
    interruption_threshold_ms = forms.IntegerField(label="Interruption threshold (ms)")
    silence_timeout_ms = forms.IntegerField(label="Silence timeout (ms)")
    inactivity_timeout_s = forms.IntegerField(label="Inactivity timeout (s)")
    inactivity_message = forms.CharField(required=False, max_length=500)


class BackgroundSoundForm(SectionForm):
    section = SECTION_BY_SLUG["background-sound"]
    keys = {"sound": "sound", "volume": "volume"}

    sound = forms.ChoiceField(choices=_choices(config.BACKGROUND_SOUNDS))
    volume = FloatField(help_text="0 to 1.")


class CallAnalysisForm(SectionForm):
    section = SECTION_BY_SLUG["call-analysis"]
    keys = {"prompt": "prompt"}

    prompt = forms.CharField(
        label="Analysis prompt", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


# --- List items ----------------------------------------------------------------------


def _parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            f"{what} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None


class ItemForm(RevisionForm):
    """A form for one item of a list of the document (`item_list`, its registry entry), kept
    by its stable `id`."""

    item_list: ItemList
    keys: dict[str, str] = {}

    @classmethod
    def items_of(cls, document: dict[str, Any]) -> list[dict[str, Any]]:
        node = document
        *parents, last = cls.item_list.path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        return node.setdefault(last, [])

    @classmethod
    def initial_from(cls, item: dict[str, Any]) -> dict[str, Any]:
        return {field: item.get(key) for field, key in cls.keys.items()}

    @classmethod
    def summary_of(cls, item: dict[str, Any]) -> str:
        """The few words the editor shows next to an item's name."""
        return item.get("type", "")

    def item_fields(self) -> dict[str, Any]:
        return {key: self.cleaned_data[field] for field, key in self.keys.items()}

    def apply(self, document: dict[str, Any], item_id: str | None) -> dict[str, Any]:
        """The document with this item added (item_id None) or replaced. KeyError if the
        item is gone."""
        new = copy.deepcopy(document)
        items = self.items_of(new)
        fields = self.item_fields()
        if item_id is None:
            items.append({"id": config.new_item_id(self.item_list.id_prefix), **fields})
            return new
        for index, item in enumerate(items):
            if item["id"] == item_id:
                items[index] = {"id": item_id, **fields}
                return new
        raise KeyError(item_id)

    @classmethod
    def remove(cls, document: dict[str, Any], item_id: str) -> dict[str, Any]:
        new = copy.deepcopy(document)
        items = cls.items_of(new)
        remaining = [item for item in items if item["id"] != item_id]
        if len(remaining) == len(items):
            raise KeyError(item_id)
        items[:] = remaining
        return new

    def field_for_error(self, path: str, message: str) -> str | None:
        list_path = self.item_list.path
        if message.startswith(f"{list_path}: the name "):
            return "name"
        match = re.match(rf"^{re.escape(list_path)}\[[^\]]*\]\.?(.*)$", path)
        if match is None:
            return None
        rest = match.group(1)
        if not rest:
            return None
        for field, key in self.keys.items():
            if rest == key or rest.startswith(f"{key}."):
                return field
        return None

    def message_for(self, field: str, path: str, message: str) -> str:
        return message


class KnowledgeBaseForm(ItemForm):
    item_list = LIST_BY_SLUG["knowledge-bases"]
    keys = {"name": "name", "top_k": "retrieval.topK", "min_score": "retrieval.minScore"}

    name = forms.CharField(max_length=64, help_text="Letters, digits and underscores.")
    top_k = forms.IntegerField(label="Top K", help_text="How many passages to retrieve (1-50).")
    min_score = FloatField(label="Minimum score", help_text="0 to 1.")

    @classmethod
    def initial_from(cls, item):
        retrieval = item.get("retrieval", {})
        return {
            "name": item.get("name"),
            "top_k": retrieval.get("topK"),
            "min_score": retrieval.get("minScore"),
        }

    @classmethod
    def summary_of(cls, item):
        retrieval = item.get("retrieval", {})
        return f"top {retrieval.get('topK')} · min score {retrieval.get('minScore')}"

    def item_fields(self):
        return {
            "name": self.cleaned_data["name"],
            "retrieval": {
                "topK": self.cleaned_data["top_k"],
                "minScore": self.cleaned_data["min_score"],
            },
        }


class FunctionForm(ItemForm):
    item_list = LIST_BY_SLUG["functions"]
    keys = {
        "name": "name",
        "description": "description",
        "parameters": "parameters",
        "url": "endpoint",
        "code": "code",
        "connection": "connection",
    }
    IMPLEMENTATIONS = [("endpoint", "HTTP endpoint"), ("code", "Code")]

    name = forms.CharField(max_length=64, help_text="Letters, digits and underscores.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    parameters = forms.CharField(
        label="Parameters (JSON schema)",
        widget=JSON_TEXTAREA,
        help_text='A JSON schema object: {"type": "object", "properties": {...}}.',
    )
    implementation = forms.ChoiceField(choices=IMPLEMENTATIONS, widget=forms.RadioSelect)
    method = forms.ChoiceField(choices=_choices(config.HTTP_METHODS), required=False)
    url = forms.CharField(
        label="Endpoint URL",
        required=False,
        max_length=2000,
        help_text="For HTTP endpoint functions only.",
    )
    code = forms.CharField(
        required=False, strip=False, widget=JSON_TEXTAREA, help_text="For code functions only."
    )
    connection = forms.ChoiceField(
        required=False, help_text="The workspace connection whose credentials the call uses."
    )

    def __init__(self, *args, connection_keys=(), current_connection=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "No connection")] + [(key, key) for key in connection_keys]
        if current_connection and current_connection not in connection_keys:
            choices.append((current_connection, f"{current_connection} (not in this workspace)"))
        self.fields["connection"].choices = choices

    @classmethod
    def initial_from(cls, item):
        endpoint = item.get("endpoint") or {}
        return {
            "name": item.get("name"),
            "description": item.get("description"),
            "parameters": json.dumps(item.get("parameters", {}), indent=2, sort_keys=True),
            "implementation": "code" if item.get("code") is not None else "endpoint",
            "method": endpoint.get("method", "POST"),
            "url": endpoint.get("url", ""),
            "code": item.get("code") or "",
            "connection": item.get("connection") or "",
        }

    @classmethod
    def summary_of(cls, item):
        endpoint = item.get("endpoint")
        how = f"{endpoint['method']} {endpoint['url']}" if endpoint else "code"
        via = f" · connection {item['connection']}" if item.get("connection") else ""
        return f"{how}{via}"

    def clean_parameters(self):
        value = _parse_json(self.cleaned_data["parameters"], "The parameters")
        if not isinstance(value, dict):
            raise forms.ValidationError("The parameters must be a JSON object.")
        return value

    def clean(self):
        data = super().clean()
        if data.get("implementation") == "endpoint" and not data.get("url"):
            self.add_error("url", "An endpoint function needs a URL.")
        if data.get("implementation") == "code" and not data.get("code"):
            self.add_error("code", "A code function needs its code.")
        return data

    def item_fields(self):
        data = self.cleaned_data
        is_code = data["implementation"] == "code"
        return {
            "name": data["name"],
            "description": data["description"],
            "parameters": data["parameters"],
            "endpoint": None
            if is_code
            else {"method": data["method"] or "POST", "url": data["url"]},
            "code": data["code"] if is_code else None,
            "connection": data["connection"] or None,
        }


class VariableForm(ItemForm):
    item_list = LIST_BY_SLUG["variables"]
    keys = {"name": "name", "type": "type", "default": "default"}

    name = forms.CharField(max_length=64, help_text="Letters, digits and underscores.")
    type = forms.ChoiceField(choices=_choices(config.VARIABLE_TYPES))
    default = forms.CharField(
        required=False, help_text="Leave empty for no default; true/false for booleans."
    )

    @classmethod
    def initial_from(cls, item):
        default = item.get("default")
        if isinstance(default, bool):
            default = "true" if default else "false"
        return {"name": item.get("name"), "type": item.get("type"), "default": default}

    @classmethod
    def summary_of(cls, item):
        default = item.get("default")
        return item["type"] + ("" if default is None else f" · default {default!r}")

    def clean(self):
        data = super().clean()
        raw = data.get("default", "")
        if raw in ("", None):
            data["default"] = None
        elif data.get("type") == "number":
            try:
                number = float(raw)
            except ValueError:
                self.add_error("default", "Enter a number.")
            else:
                is_int = number.is_integer() and "." not in raw
                data["default"] = int(number) if is_int else number + 0.0
        elif data.get("type") == "boolean":
            if raw.lower() not in ("true", "false"):
                self.add_error("default", "Enter true or false.")
            else:
                data["default"] = raw.lower() == "true"
        return data


class FlowForm(ItemForm):
    item_list = LIST_BY_SLUG["flows"]
    keys = {"name": "name", "definition": "definition"}

    name = forms.CharField(max_length=64, help_text="Letters, digits and underscores.")
    definition = forms.CharField(
        label="Definition (JSON)",
        widget=JSON_TEXTAREA,
        help_text='{"start": "step id", "steps": [{"id", "prompt", "transitions": [{"to", '
        '"condition"}]}]}',
    )

    @classmethod
    def initial_from(cls, item):
        return {
            "name": item.get("name"),
            "definition": json.dumps(item.get("definition", {}), indent=2),
        }

    @classmethod
    def summary_of(cls, item):
        definition = item.get("definition", {})
        count = len(definition.get("steps", []))
        return f"{count} step{'' if count == 1 else 's'}, starts at {definition.get('start')}"

    def clean_definition(self):
        value = _parse_json(self.cleaned_data["definition"], "The flow definition")
        if not isinstance(value, dict):
            raise forms.ValidationError("The flow definition must be a JSON object.")
        return value

    def message_for(self, field, path, message):
        """Point at the bad step by number and id: 'Step 2 ("greet"), transitions...'."""
        if field != "definition":
            return message
        match = re.search(r"\.definition\.steps\[(\d+)\]\.?(.*)$", path)
        if not match:
            rest = path.split(".definition", 1)[1].lstrip(".") if ".definition" in path else ""
            return f"{rest}: {message}" if rest else message
        index, rest = int(match.group(1)), match.group(2)
        steps = (self.cleaned_data.get("definition") or {}).get("steps") or []
        step_id = (
            steps[index].get("id")
            if index < len(steps) and isinstance(steps[index], dict)
            else None
        )
        where = f"Step {index + 1}" + (f' ("{step_id}")' if step_id else "")
        return f"{where}, {rest}: {message}" if rest else f"{where}: {message}"


class AnalysisFieldForm(ItemForm):
    item_list = LIST_BY_SLUG["analysis-fields"]
    keys = {"name": "name", "type": "type", "description": "description"}

    name = forms.CharField(max_length=64, help_text="Letters, digits and underscores.")
    type = forms.ChoiceField(choices=_choices(config.ANALYSIS_FIELD_TYPES))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


# The editor's forms by the slug of their registry entry (a section's, or its list's).
SECTION_FORMS: dict[str, type[SectionForm]] = {
    form.section.slug: form
    for form in (
        ProfileForm,
        BehaviourForm,
        LanguageModelForm,
        VoiceForm,
        TimingForm,
        BackgroundSoundForm,
        CallAnalysisForm,
    )
}

ITEM_FORMS: dict[str, type[ItemForm]] = {
    form.item_list.slug: form
    for form in (KnowledgeBaseForm, FunctionForm, VariableForm, FlowForm, AnalysisFieldForm)
}


def errors_for_fields(form: forms.Form, errors: dict[str, str]) -> None:
    """Attach a service's dotted-path errors to the form: next to the field they belong to,
    or as a form error (naming the path) when no field of this form owns the path."""
    for path, message in errors.items():
        field = form.field_for_error(path, message) if hasattr(form, "field_for_error") else None
        if field is None and path in form.fields:
            field = path
        if field is not None and field in form.fields:
            if hasattr(form, "message_for"):
                message = form.message_for(field, path, message)
            form.add_error(field, message)
        elif path == "document":
            form.add_error(None, message)
        else:
            form.add_error(None, f"{path}: {message}")
