"""The agent editor's views: every section and list saves through draft_save."""

import json

import pytest
from django.urls import reverse

from agentbuilder.demo import RESTAURANT
from agentbuilder.models import Agent, AuthType, Connection
from agentbuilder.services import draft_save

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent(cast):
    return cast.agent("Bella", document=RESTAURANT)


def section_url(agent, section):
    return reverse("agentbuilder:section_save", args=[agent.pk, section])


def item_url(agent, kind, item_id=None):
    if item_id is None:
        return reverse("agentbuilder:item_add", args=[agent.pk, kind])
    return reverse("agentbuilder:item_save", args=[agent.pk, kind, item_id])


def behaviour_post(agent, prompt="Be brief.", revision=None):
    return {
        "base_revision": revision or agent.draft_revision,
        "system_prompt": prompt,
        "welcome_message": "Hello!",
    }


def reload(agent):
    return Agent.objects.get(pk=agent.pk)


def last_history(agent):
    return Agent.history.filter(id=agent.pk).order_by("-history_id").first()


# --- The page ------------------------------------------------------------------------


def test_it_shows_a_section_per_part_of_the_configuration(client_for, agent):
    response = client_for("builder").get(reverse("agentbuilder:agent_detail", args=[agent.pk]))
    assert response.status_code == 200
    for key in (
        "profile",
        "behaviour",
        "model",
        "voice",
        "timing",
        "background-sound",
        "knowledge-bases",
        "functions",
        "variables",
        "flows",
        "call-analysis",
    ):
        assert f'id="section-{key}"'.encode() in response.content
    assert b"check_availability" in response.content
    assert reverse("versions:agent_versions", args=[agent.pk]).encode() in response.content


def test_it_renders_the_editor_with_a_constant_number_of_queries(
    client_for, cast, django_assert_max_num_queries
):
    small = cast.agent("Small")
    big_doc = {
        **RESTAURANT,
        "variables": [{"id": f"var_{i:06d}", "name": f"v{i}", "type": "string"} for i in range(60)],
    }
    big = cast.agent("Big", document=big_doc)
    client = client_for("builder")
    client.get(reverse("agentbuilder:agent_detail", args=[small.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("agentbuilder:agent_detail", args=[small.pk]))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("agentbuilder:agent_detail", args=[big.pk])).status_code == 200


def test_it_404s_for_another_workspaces_agent(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    client = client_for("builder")
    assert client.get(reverse("agentbuilder:agent_detail", args=[theirs.pk])).status_code == 404
    response = client.post(section_url(theirs, "behaviour"), behaviour_post(theirs), **HTMX)
    assert response.status_code == 404
    assert reload(theirs).draft_revision == theirs.draft_revision


# --- Scalar sections -----------------------------------------------------------------


def test_it_refuses_get_on_section_save(client_for, agent):
    assert client_for("builder").get(section_url(agent, "behaviour")).status_code == 405


def test_it_404s_for_an_unknown_section(client_for, agent):
    response = client_for("builder").post(section_url(agent, "nope"), {})
    assert response.status_code == 404


def test_it_saves_a_section_and_returns_the_partial_with_banner_and_revision(client_for, agent):
    response = client_for("builder").post(
        section_url(agent, "behaviour"), behaviour_post(agent, "Be brief."), **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("\n<section") or body.lstrip().startswith("<section")
    assert "<html" not in body
    assert 'id="draft-banner" data-testid="draft-banner" hx-swap-oob="true"' in body
    assert "prompt" in body  # the banner's summary of the change
    assert 'hx-swap-oob="outerHTML:input.draft-revision"' in body
    assert "Behaviour saved." in body
    saved = reload(agent)
    assert saved.draft_document["behaviour"]["systemPrompt"] == "Be brief."
    assert saved.draft_revision == agent.draft_revision + 1
    history = last_history(agent)
    assert history.history_change_reason == "drafts.save: behaviour"
    assert history.history_user == agent.draft_updated_by


def test_it_redirects_after_a_plain_post(client_for, agent):
    response = client_for("builder").post(section_url(agent, "behaviour"), behaviour_post(agent))
    assert response.status_code == 302
    assert response["Location"].endswith("#section-behaviour")


@pytest.mark.parametrize("role", ["builder", "ops", "admin"])
def test_every_role_may_edit_the_draft(client_for, agent, role):
    response = client_for(role).post(section_url(agent, "behaviour"), behaviour_post(agent), **HTMX)
    assert response.status_code == 200
    assert reload(agent).draft_document["behaviour"]["systemPrompt"] == "Be brief."


def test_it_shows_a_schema_error_next_to_its_field_and_changes_nothing(client_for, agent):
    data = {
        "base_revision": agent.draft_revision,
        "provider": "openai",
        "model": "gpt-4o",
        "temperature": "7",
        "max_tokens": "100",
    }
    response = client_for("builder").post(section_url(agent, "model"), data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="model_temperature_error"' in body
    assert "less than or equal to 2" in body
    assert 'aria-invalid="true"' in body
    assert "hx-swap-oob" not in body.replace(
        'id="toasts" class="toasts" aria-live="polite" hx-swap-oob="true"', ""
    )
    assert reload(agent).draft_revision == agent.draft_revision
    assert Agent.history.filter(id=agent.pk).count() == 1


def test_it_shows_a_form_parse_error_next_to_its_field(client_for, agent):
    data = {
        "base_revision": agent.draft_revision,
        "provider": "openai",
        "model": "gpt-4o",
        "temperature": "warm",
        "max_tokens": "100",
    }
    response = client_for("builder").post(section_url(agent, "model"), data, **HTMX)
    assert 'id="model_temperature_error"' in response.content.decode()
    assert reload(agent).draft_revision == agent.draft_revision


def test_it_maps_a_duplicate_agent_name_to_the_name_field(client_for, cast, agent):
    cast.agent("Taken")
    data = {
        "base_revision": agent.draft_revision,
        "name": "Taken",
        "description": "",
        "language": "en-GB",
    }
    response = client_for("builder").post(section_url(agent, "profile"), data, **HTMX)
    body = response.content.decode()
    assert 'id="profile_name_error"' in body
    assert "already has this name" in body
    assert reload(agent).name == "Bella"


def test_it_full_page_renders_errors_without_htmx(client_for, agent):
    data = {**behaviour_post(agent), "system_prompt": "x" * 200_001}
    response = client_for("builder").post(section_url(agent, "behaviour"), data)
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b'id="behaviour_system_prompt_error"' in response.content


def test_it_refuses_a_stale_revision_naming_who_changed_it(client_for, cast, agent):
    base = agent.draft_revision
    document = {**agent.draft_document, "behaviour": {"systemPrompt": "Ops was here."}}
    draft_save(actor=cast.ops, agent=agent, document=document, base_revision=base)
    response = client_for("builder").post(
        section_url(agent, "behaviour"), behaviour_post(agent, "Mine", revision=base), **HTMX
    )
    body = response.content.decode()
    assert "Changed by ops at" in body
    assert "reload to see their change" in body
    saved = reload(agent)
    assert saved.draft_document["behaviour"]["systemPrompt"] == "Ops was here."
    assert saved.draft_revision == base + 1


def test_it_keeps_the_toggle_off_when_unticked(client_for, agent):
    data = {
        "base_revision": agent.draft_revision,
        "vad_sensitivity": "0.5",
        "interruption_threshold_ms": "300",
        "silence_timeout_ms": "800",
        "inactivity_timeout_s": "30",
        "inactivity_message": "",
    }
    client_for("builder").post(section_url(agent, "timing"), data, **HTMX)
    assert reload(agent).draft_document["timing"]["allowInterruptions"] is False


# --- Lists ---------------------------------------------------------------------------


def function_post(agent, **overrides):
    return {
        "base_revision": agent.draft_revision,
        "name": "lookup_order",
        "description": "Find an order.",
        "parameters": json.dumps(
            {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
        ),
        "implementation": "endpoint",
        "method": "GET",
        "url": "https://orders.example.com/lookup",
        "code": "",
        "connection": "",
        **overrides,
    }


def test_it_adds_a_function_with_a_stable_id(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "functions"), function_post(agent), **HTMX
    )
    assert response.status_code == 200
    assert b'id="section-functions"' in response.content
    functions = {f["name"]: f for f in reload(agent).draft_document["functions"]}
    added = functions["lookup_order"]
    assert added["id"].startswith("fn_")
    assert added["endpoint"] == {"method": "GET", "url": "https://orders.example.com/lookup"}
    assert last_history(agent).history_change_reason == "drafts.save: function lookup_order added"


def test_it_offers_connection_keys_but_never_secrets(client_for, cast, agent):
    Connection.objects.create(
        workspace=cast.workspace,
        key="orders-api",
        display_name="Orders",
        auth_type=AuthType.BEARER,
        secret="sk-very-secret-value",
    )
    client = client_for("builder")
    page = client.get(reverse("agentbuilder:agent_detail", args=[agent.pk]))
    assert b'value="orders-api"' in page.content
    assert b"sk-very-secret-value" not in page.content
    response = client.post(
        item_url(agent, "functions"), function_post(agent, connection="orders-api"), **HTMX
    )
    assert b"sk-very-secret-value" not in response.content
    functions = {f["name"]: f for f in reload(agent).draft_document["functions"]}
    assert functions["lookup_order"]["connection"] == "orders-api"


def test_it_refuses_a_connection_of_another_workspace(client_for, cast, agent):
    Connection.objects.create(
        workspace=cast.other_workspace, key="theirs", display_name="T", auth_type="bearer"
    )
    response = client_for("builder").post(
        item_url(agent, "functions"), function_post(agent, connection="theirs"), **HTMX
    )
    assert b'id="new_functions_connection_error"' in response.content
    assert reload(agent).draft_revision == agent.draft_revision


def test_it_shows_bad_parameters_json_next_to_the_field(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "functions"), function_post(agent, parameters="{nope"), **HTMX
    )
    body = response.content.decode()
    assert 'id="new_functions_parameters_error"' in body
    assert "not valid JSON" in body
    assert '<details class="item-add" open>' in body
    assert reload(agent).draft_revision == agent.draft_revision


def test_it_shows_a_schema_error_in_parameters_next_to_the_field(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "functions"),
        function_post(agent, parameters='{"type": "object", "properties": {"a": {}}}'),
        **HTMX,
    )
    body = response.content.decode()
    assert 'id="new_functions_parameters_error"' in body
    assert "needs a &quot;type&quot;" in body


def test_it_refuses_a_duplicate_function_name_on_the_name_field(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "functions"), function_post(agent, name="check_availability"), **HTMX
    )
    body = response.content.decode()
    assert 'id="new_functions_name_error"' in body
    assert "used twice" in body


def test_it_edits_an_item_keeping_its_id(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "variables", "var_maxpty"),
        {
            "base_revision": agent.draft_revision,
            "name": "max_party_size",
            "type": "number",
            "default": "10",
        },
        **HTMX,
    )
    assert response.status_code == 200
    variables = {v["id"]: v for v in reload(agent).draft_document["variables"]}
    assert variables["var_maxpty"]["default"] == 10


def test_it_refuses_a_default_of_the_wrong_type(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "variables", "var_maxpty"),
        {
            "base_revision": agent.draft_revision,
            "name": "max_party_size",
            "type": "boolean",
            "default": "maybe",
        },
        **HTMX,
    )
    assert b'id="var_maxpty_default_error"' in response.content
    assert reload(agent).draft_revision == agent.draft_revision


def test_it_404s_for_an_unknown_item(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "variables", "var_nothere"), {"base_revision": 1}, **HTMX
    )
    assert response.status_code == 404


def test_it_removes_an_item(client_for, agent):
    url = reverse("agentbuilder:item_remove", args=[agent.pk, "knowledge-bases", "kb_faq001"])
    client = client_for("builder")
    assert client.get(url).status_code == 405
    response = client.post(url, {"base_revision": agent.draft_revision}, **HTMX)
    assert response.status_code == 200
    assert b"Knowledge base faq removed." in response.content
    names = [kb["name"] for kb in reload(agent).draft_document["knowledgeBases"]]
    assert names == ["menu"]
    assert last_history(agent).history_change_reason == "drafts.save: knowledge base faq removed"


def test_it_refuses_a_stale_removal(client_for, cast, agent):
    base = agent.draft_revision
    draft_save(
        actor=cast.ops,
        agent=agent,
        document={**agent.draft_document, "behaviour": {"systemPrompt": "x"}},
        base_revision=base,
    )
    url = reverse("agentbuilder:item_remove", args=[agent.pk, "knowledge-bases", "kb_faq001"])
    response = client_for("builder").post(url, {"base_revision": base}, **HTMX)
    assert b"Changed by ops" in response.content
    assert len(reload(agent).draft_document["knowledgeBases"]) == 2


def flow_post(agent, definition, name="refund"):
    return {
        "base_revision": agent.draft_revision,
        "name": name,
        "definition": json.dumps(definition),
    }


def test_it_adds_a_flow(client_for, agent):
    definition = {
        "start": "ask",
        "steps": [
            {"id": "ask", "prompt": "Ask why.", "transitions": [{"to": "done"}]},
            {"id": "done", "prompt": "Bye."},
        ],
    }
    client_for("builder").post(item_url(agent, "flows"), flow_post(agent, definition), **HTMX)
    flows = {f["name"]: f for f in reload(agent).draft_document["flows"]}
    assert flows["refund"]["definition"]["start"] == "ask"


def test_it_points_at_the_bad_step_of_a_flow(client_for, agent):
    definition = {
        "start": "ask",
        "steps": [
            {"id": "ask", "prompt": "Ask why.", "transitions": [{"to": "done"}]},
            {"id": "bad id!", "prompt": "Bye."},
        ],
    }
    response = client_for("builder").post(
        item_url(agent, "flows"), flow_post(agent, definition), **HTMX
    )
    body = response.content.decode()
    assert 'id="new_flows_definition_error"' in body
    assert "Step 2 (&quot;bad id!&quot;), id:" in body
    assert reload(agent).draft_revision == agent.draft_revision


def test_it_names_an_unknown_transition_target(client_for, agent):
    definition = {
        "start": "ask",
        "steps": [{"id": "ask", "transitions": [{"to": "nowhere"}]}],
    }
    response = client_for("builder").post(
        item_url(agent, "flows"), flow_post(agent, definition), **HTMX
    )
    assert "step &quot;ask&quot; has a transition to unknown step &quot;nowhere&quot;" in (
        response.content.decode()
    )


def test_it_reports_flow_json_syntax_with_line_and_column(client_for, agent):
    data = {**flow_post(agent, {}), "definition": '{\n  "start": "a",\n  steps: []\n}'}
    response = client_for("builder").post(item_url(agent, "flows"), data, **HTMX)
    assert b"not valid JSON" in response.content
    assert b"line 3" in response.content


def test_it_adds_a_call_analysis_field(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "analysis-fields"),
        {
            "base_revision": agent.draft_revision,
            "name": "sentiment",
            "type": "enum",
            "description": "How the caller felt.",
        },
        **HTMX,
    )
    assert b'id="section-call-analysis"' in response.content
    fields = reload(agent).draft_document["callAnalysis"]["fields"]
    assert "sentiment" in [f["name"] for f in fields]


def test_it_saves_a_knowledge_base(client_for, agent):
    client_for("builder").post(
        item_url(agent, "knowledge-bases", "kb_menu01"),
        {"base_revision": agent.draft_revision, "name": "menu", "top_k": "9", "min_score": "0.7"},
        **HTMX,
    )
    kbs = {kb["id"]: kb for kb in reload(agent).draft_document["knowledgeBases"]}
    assert kbs["kb_menu01"]["retrieval"] == {"topK": 9, "minScore": 0.7}


def test_it_changes_a_function_to_code(client_for, agent):
    response = client_for("builder").post(
        item_url(agent, "functions", "fn_avail01"),
        function_post(
            agent, name="check_availability", implementation="code", code="return {}", url=""
        ),
        **HTMX,
    )
    assert response.status_code == 200
    functions = {f["id"]: f for f in reload(agent).draft_document["functions"]}
    assert functions["fn_avail01"]["code"] == "return {}"
    assert functions["fn_avail01"]["endpoint"] is None


def test_it_stores_minus_zero_as_zero_so_the_hash_survives_postgres(client_for, agent):
    from agentbuilder.config import document_sha256

    data = {
        "base_revision": agent.draft_revision,
        "provider": "openai",
        "model": "gpt-4o",
        "temperature": "-0",
        "max_tokens": "100",
    }
    client_for("builder").post(section_url(agent, "model"), data, **HTMX)
    saved = reload(agent)
    assert saved.draft_document["model"]["temperature"] == 0
    assert document_sha256(saved.draft_document) == saved.draft_sha256


MUTATING = [
    ("agentbuilder:section_save", ["behaviour"]),
    ("agentbuilder:item_add", ["functions"]),
    ("agentbuilder:item_save", ["functions", "fn_avail01"]),
    ("agentbuilder:item_remove", ["functions", "fn_avail01"]),
    ("versions:draft_discard", []),
    ("deployments:draft_publish", []),
]


@pytest.mark.parametrize(("name", "args"), MUTATING)
def test_every_mutating_view_refuses_get(client_for, agent, name, args):
    response = client_for("builder").get(reverse(name, args=[agent.pk, *args]))
    assert response.status_code == 405


@pytest.mark.parametrize(("name", "args"), MUTATING)
def test_every_mutating_view_404s_for_another_workspace(client_for, cast, name, args):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace, document=RESTAURANT)
    response = client_for("builder").post(
        reverse(name, args=[theirs.pk, *args]), {"base_revision": 1, "name": "x"}, **HTMX
    )
    assert response.status_code == 404
    assert reload(theirs).draft_revision == theirs.draft_revision
    assert not theirs.versions.exists()


@pytest.mark.parametrize(("name", "args"), MUTATING)
def test_every_mutating_view_sends_anonymous_users_to_login(client, agent, name, args):
    response = client.post(reverse(name, args=[agent.pk, *args]), {"base_revision": 1})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert reload(agent).draft_revision == agent.draft_revision


def test_renaming_the_agent_updates_the_title_out_of_band(client_for, agent):
    data = {
        "base_revision": agent.draft_revision,
        "name": "Bella Nuova",
        "description": "",
        "language": "en-GB",
    }
    response = client_for("builder").post(section_url(agent, "profile"), data, **HTMX)
    assert '<h1 id="agent-title" hx-swap-oob="true">Bella Nuova</h1>' in response.content.decode()
    assert reload(agent).name == "Bella Nuova"
