"""The Compare page and its JSON form."""

import pytest
from django.urls import reverse

from agentbuilder.services import draft_save
from deployments.services import deployment_publish
from versions.services import version_publish

pytestmark = pytest.mark.django_db


def set_prompt(cast, agent, prompt):
    agent.refresh_from_db()
    document = dict(agent.draft_document)
    document["behaviour"] = {**document["behaviour"], "systemPrompt": prompt}
    return draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def compare_url(agent, **query):
    url = reverse("versions:compare", args=[agent.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def json_url(agent, **query):
    url = reverse("versions:compare_json", args=[agent.pk])
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.fixture
def agent(cast):
    agent = cast.agent()
    set_prompt(cast, agent, "Greet the caller.\nAsk for their name.")
    version_publish(actor=cast.builder, agent=agent, name="First")
    set_prompt(cast, agent, "Greet the caller.\nAsk for their surname.")
    agent.refresh_from_db()
    return agent


def test_it_compares_the_latest_version_with_the_draft_by_default(client_for, agent):
    response = client_for("builder").get(compare_url(agent))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 change: prompt" in html
    assert '<option value="v1" selected>V1 First</option>' in html
    assert '<option value="draft" selected>Draft</option>' in html
    assert "<del>name</del>" in html
    assert "<ins>surname</ins>" in html


def test_it_links_swap_with_the_sides_exchanged(client_for, agent):
    response = client_for("builder").get(compare_url(agent, **{"from": "v1", "to": "draft"}))
    assert response.context["swap_url"] == compare_url(agent, **{"from": "draft", "to": "v1"})
    swapped = client_for("builder").get(response.context["swap_url"])
    assert "<del>surname</del>" in swapped.content.decode()


def test_it_shows_no_differences(client_for, cast, agent):
    response = client_for("ops").get(compare_url(agent, **{"from": "v1", "to": "v1"}))
    assert response.status_code == 200
    assert b'data-testid="no-differences"' in response.content
    assert b"No differences" in response.content


def test_it_explains_a_side_with_nothing_deployed(client_for, agent):
    response = client_for("ops").get(compare_url(agent, **{"from": "live", "to": "v1"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Live (nothing deployed)" in html
    assert 'data-testid="nothing-deployed"' in html
    assert "everything on the other side shows as added" in html


def test_it_lists_environments_with_their_versions(client_for, cast, agent):
    deployment_publish(actor=cast.builder, agent=agent, message="Surname")
    response = client_for("ops").get(compare_url(agent, **{"from": "sandbox", "to": "v1"}))
    html = response.content.decode()
    assert '<option value="sandbox" selected>Sandbox (V2)</option>' in html
    assert "<del>surname</del>" in html


def test_it_shows_a_bad_ref_next_to_its_picker(client_for, agent):
    response = client_for("ops").get(compare_url(agent, **{"from": "v99", "to": "draft"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="compare-from-error"' in html
    assert "Version v99 does not exist." in html
    assert 'data-testid="compare-summary"' not in html


def test_it_hides_other_workspaces_agents(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    assert client_for("ops").get(compare_url(theirs)).status_code == 404
    response = client_for("ops").get(json_url(theirs, **{"from": "draft", "to": "live"}))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_requires_login(client, agent):
    assert client.get(compare_url(agent)).status_code == 302


def test_it_escapes_content(client_for, cast, agent):
    set_prompt(
        cast,
        agent,
        'Greet the caller.\n<script>alert("x")</script>\n<a hx-get="/evil" hx-trigger="load">hi</a>',
    )
    response = client_for("builder").get(compare_url(agent, **{"from": "v1", "to": "draft"}))
    html = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html
    assert 'hx-get="/evil"' not in html
    assert "hx-get=&quot;/evil&quot;" in html
    # The only live <script> tags are the two in base.html.
    assert html.count("<script") == 2


def test_it_returns_the_json_shape(client_for, agent):
    response = client_for("ops").get(json_url(agent, **{"from": "v1", "to": "draft"}))
    assert response.status_code == 200
    data = response.json()
    assert data["from"] == {
        "ref": "v1",
        "label": "V1 First",
        "nothingDeployed": False,
        "version": {"id": str(agent.versions.get().pk), "number": 1, "name": "First"},
    }
    assert data["to"]["ref"] == "draft" and data["to"]["version"] is None
    assert data["diff"]["changeCount"] == 1
    assert data["diff"]["summary"] == "1 change: prompt"
    prompt = data["diff"]["sections"][0]["fields"][0]
    assert prompt["diff"]["rows"][1]["type"] == "changed"


def test_it_answers_a_bad_ref_with_the_error_envelope(client_for, agent):
    response = client_for("ops").get(json_url(agent, **{"from": "yesterday", "to": "draft"}))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_ref"
    assert "yesterday" in error["message"]


def test_it_renders_the_large_case_small_with_constant_queries(
    client_for, cast, agent, django_assert_max_num_queries
):
    old = "\n".join(f"Rule {n}: answer politely." for n in range(5_000))
    new_lines = old.split("\n")
    for n in range(25, 5_000, 50):
        new_lines[n] = new_lines[n].replace("politely", "kindly")
    set_prompt(cast, agent, old)
    version_publish(actor=cast.builder, agent=agent, name="Big")
    set_prompt(cast, agent, "\n".join(new_lines))
    client = client_for("builder")
    url = compare_url(agent, **{"from": "v2", "to": "draft"})
    client.get(url)  # warm the session
    with django_assert_max_num_queries(9):  # 8, plus the draft banner
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="dl ch"') == 100
    assert html.count("<summary>Show ") == 101
    assert len(response.content) < 1_500_000


def test_it_lists_items_beyond_the_page_limit_by_name_only(client_for, cast, agent):
    agent.refresh_from_db()
    document = dict(agent.draft_document)
    document["variables"] = [
        {"id": f"var_{n:06d}", "name": f"v{n:04d}", "type": "string"} for n in range(150)
    ]
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )
    response = client_for("builder").get(compare_url(agent, **{"from": "v1", "to": "draft"}))
    html = response.content.decode()
    assert html.count('class="compare-item compare-item-added"') == 100
    assert "50 more changed items" in html
    assert "<code>v0149</code> added" in html


def test_it_marks_an_empty_environment_in_json(client_for, agent):
    response = client_for("ops").get(json_url(agent, **{"from": "live", "to": "draft"}))
    assert response.status_code == 200
    data = response.json()
    assert data["from"] == {
        "ref": "live",
        "label": "Live (nothing deployed)",
        "nothingDeployed": True,
        "version": None,
    }
    behaviour = data["diff"]["sections"][0]
    assert behaviour["fields"][0]["status"] == "added"
    assert {row["type"] for row in behaviour["fields"][0]["diff"]["rows"]} == {"added"}


def test_it_defaults_the_json_sides_like_the_page(client_for, agent):
    response = client_for("ops").get(reverse("versions:compare_json", args=[agent.pk]))
    assert response.status_code == 200
    assert (response.json()["from"]["ref"], response.json()["to"]["ref"]) == ("v1", "draft")


def test_it_offers_a_number_input_only_beyond_the_picker_limit(
    client_for, cast, agent, monkeypatch
):
    html = client_for("ops").get(compare_url(agent)).content.decode()
    assert 'name="from_version"' not in html
    version_publish(actor=cast.builder, agent=agent, name="Second")
    monkeypatch.setattr("versions.selectors.COMPARE_PICKER_VERSIONS", 1)
    html = client_for("ops").get(compare_url(agent)).content.decode()
    assert 'name="from_version"' in html
    assert '<option value="v2" selected>V2 Second</option>' in html
    assert '<option value="v1"' not in html


def test_it_redirects_a_typed_version_number_to_the_canonical_url(client_for, agent):
    response = client_for("ops").get(
        compare_url(agent, **{"from": "draft", "to": "live", "from_version": "1", "to_version": ""})
    )
    assert response.status_code == 302
    assert response["Location"] == compare_url(agent, **{"from": "v1", "to": "live"})


def test_its_query_count_does_not_grow_with_versions(client_for, cast, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("ops")
    url = compare_url(agent, **{"from": "sandbox", "to": "v1"})
    client.get(url)  # warm the session

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        set_prompt(cast, agent, f"Prompt {n}")
        deployment_publish(actor=cast.builder, agent=agent, message=f"Release {n}")
    assert count() == before <= 10  # 9, plus the draft banner
