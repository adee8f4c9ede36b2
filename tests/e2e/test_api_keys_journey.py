"""API keys in the browser: an admin creates a key, sees it once, copies it, uses it and
revokes it; an ops member sees the list read-only; the API docs page runs under our CSP."""

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import Cast


@pytest.fixture
def cast_committed(transactional_db):
    return Cast()


def api_status(live_server, raw_key: str) -> int:
    request = urllib.request.Request(f"{live_server.url}/v1/agents", headers={"x-api-key": raw_key})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_admin_creates_copies_and_revokes_a_key(
    page, live_server, login, screenshot, cast_committed
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    expect(page.get_by_text("No API keys yet.")).to_be_visible()

    page.get_by_label("Name").fill("has spaces")
    page.get_by_role("button", name="Create API key").click()
    expect(page.locator(".field-error")).to_contain_text("Use 1-64 letters")
    screenshot(page, "api-keys-form-error")

    page.get_by_label("Name").fill("github-actions")
    page.get_by_label("Role").select_option("ops")
    page.get_by_role("button", name="Create API key").click()
    new_key = page.get_by_test_id("new-key")
    expect(new_key).to_contain_text("It will not be shown again")
    raw_key = page.get_by_label(re.compile("Your new key")).input_value()
    assert raw_key.startswith("arc_")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == raw_key
    row = page.get_by_test_id("api-key-row").filter(has_text="github-actions")
    expect(row).to_contain_text("Ops")
    expect(row).to_contain_text("Never")
    expect(row).to_contain_text("Active")
    screenshot(page, "api-keys-created")

    assert api_status(live_server, raw_key) == 200
    page.reload()
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    assert raw_key not in page.content()
    expect(row).not_to_contain_text("Never")

    row.get_by_role("button", name="Revoke").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("401 Unauthorized")
    screenshot(page, "api-keys-revoke-dialog")
    dialog.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    screenshot(page, "api-keys-revoked")
    assert api_status(live_server, raw_key) == 401


def test_ops_sees_the_keys_read_only(page, live_server, login, screenshot, cast_committed):
    from api.services import api_key_create

    api_key_create(actor=cast_committed.admin, workspace=cast_committed.workspace, name="ci")
    login(page, "ops")
    page.goto(f"{live_server.url}/api-keys/")
    expect(page.get_by_test_id("read-only-reason")).to_contain_text("Only admins can do this.")
    expect(page.get_by_role("button", name="Create API key")).to_have_count(0)
    expect(page.get_by_role("button", name="Revoke")).to_have_count(0)
    expect(page.get_by_test_id("api-key-row")).to_contain_text("ci")
    screenshot(page, "api-keys-read-only")


def test_the_api_docs_page_works_under_our_csp(page, live_server, screenshot, cast_committed):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    from api.services import api_key_create

    _, raw_key = api_key_create(
        actor=cast_committed.admin, workspace=cast_committed.workspace, name="docs"
    )
    cast_committed.agent("Support line")
    page.goto(f"{live_server.url}/v1/docs")
    expect(page.get_by_text("Publish the current draft to an environment")).to_be_visible()
    expect(page.locator(".opblock").nth(11)).to_be_visible()  # our 12 operations, at least
    screenshot(page, "api-docs")

    # "Try it out" works too: the key goes in through Authorize, the call is same-origin.
    page.locator(".auth-wrapper .authorize").click()
    page.locator(".auth-container input").fill(raw_key)
    page.locator(".auth-btn-wrapper .modal-btn.authorize").click()
    page.locator(".auth-btn-wrapper .btn-done").click()
    operation = page.locator("#operations-agents-deployments_api_list_agents")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_contain_text(
        "200"
    )
    expect(operation.locator(".live-responses-table")).to_contain_text("Support line")
    screenshot(page, "api-docs-try-it-out")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert [url for url in external if not url.startswith("data:")] == []
