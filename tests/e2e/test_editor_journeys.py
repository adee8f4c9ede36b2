"""Browser journeys through the editor, the draft banner and the version history."""

import re

import pytest
from playwright.sync_api import expect

from agentbuilder.demo import RESTAURANT

ORIGINAL_PROMPT = RESTAURANT["behaviour"]["systemPrompt"]


@pytest.fixture
def agent(cast):
    return cast.agent("Bella", document=RESTAURANT)


def open_editor(page, live_server, agent):
    page.goto(f"{live_server.url}/agents/{agent.pk}/")
    expect(page.get_by_role("heading", name="Bella", exact=True)).to_be_visible()


def save_prompt(page, text):
    section = page.get_by_test_id("section-behaviour")
    section.get_by_label("System prompt").fill(text)
    section.get_by_role("button", name="Save behaviour").click()
    expect(page.get_by_role("status").filter(has_text="Behaviour saved.")).to_be_visible()


def banner(page):
    return page.get_by_role("region", name="Draft")


def publish(page, name):
    banner(page).get_by_role("button", name="Publish").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Publishing isn’t the same as going live.")
    dialog.get_by_label("Version name").fill(name)
    dialog.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="to Sandbox")).to_be_visible()


def test_edit_publish_and_see_v1_in_the_history(page, live_server, login, screenshot, agent):
    login(page, "builder")
    open_editor(page, live_server, agent)
    expect(banner(page)).to_contain_text("Not published yet.")
    screenshot(page, "editor")

    save_prompt(page, "You are the host of Bella Tavola. Be brief.")
    # A second section saved from the same page: the first save refreshed every form's
    # revision out-of-band, so this one is not refused as stale.
    model = page.get_by_test_id("section-model")
    model.get_by_label("Temperature").fill("0.9")
    model.get_by_role("button", name="Save model").click()
    expect(page.get_by_role("status").filter(has_text="Model saved.")).to_be_visible()
    expect(model.get_by_role("alert")).to_have_count(0)

    banner(page).get_by_role("button", name="Publish").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Version name").fill("Launch menu")
    dialog.get_by_label("Description").fill("First version for the restaurant line.")
    screenshot(page, "publish-dialog")
    dialog.get_by_role("button", name="Publish").click()
    expect(
        page.get_by_role("status").filter(has_text="Published V1 “Launch menu” to Sandbox.")
    ).to_be_visible()
    expect(banner(page)).to_have_count(0)
    expect(page.get_by_test_id("env-version-sandbox")).to_have_text("V1")

    page.get_by_test_id("version-history-link").click()
    expect(page).to_have_url(re.compile(rf"/agents/{agent.pk}/versions/$"))
    row = page.get_by_test_id("version-row-1")
    expect(row).to_contain_text("Launch menu")
    expect(row).to_contain_text("First version for the restaurant line.")
    expect(row).to_contain_text("builder")
    expect(page.get_by_test_id("draft-row")).to_be_visible()
    screenshot(page, "version-history")

    row.get_by_role("link", name="View").click()
    expect(page.get_by_role("heading", name=re.compile("V1 Launch menu"))).to_be_visible()
    expect(page.get_by_test_id("readonly-behaviour")).to_contain_text("Be brief.")
    page.get_by_test_id("readonly-functions").locator(
        "summary", has_text="check_availability"
    ).click()
    expect(page.get_by_test_id("readonly-functions")).to_contain_text("bookings.example.com")
    screenshot(page, "version-detail")


def test_edit_then_delete_the_draft(page, live_server, login, screenshot, agent):
    login(page, "builder")
    open_editor(page, live_server, agent)
    publish(page, "Baseline")
    expect(banner(page)).to_have_count(0)

    save_prompt(page, "A temporary experiment.")
    expect(banner(page)).to_contain_text("1 change: prompt")
    expect(banner(page)).to_contain_text("since V1")
    expect(page.get_by_test_id("draft-state")).to_have_text("Unpublished changes")
    screenshot(page, "draft-banner")

    banner(page).get_by_role("button", name="Delete").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("goes back to V1")
    screenshot(page, "delete-dialog")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status").filter(has_text="Draft deleted")).to_be_visible()
    expect(banner(page)).to_have_count(0)
    prompt = page.get_by_test_id("section-behaviour").get_by_label("System prompt")
    expect(prompt).to_have_value(ORIGINAL_PROMPT)


def test_restore_v1_after_publishing_v2(page, live_server, login, screenshot, agent):
    login(page, "builder")
    open_editor(page, live_server, agent)
    publish(page, "First")
    save_prompt(page, "The second prompt.")
    publish(page, "Second")

    page.get_by_test_id("version-history-link").click()
    expect(page.get_by_test_id("version-row-2")).to_contain_text("Second")
    page.get_by_test_id("version-row-1").get_by_role("button", name="Restore").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text(
        "Restoring a version overwrites the current draft. If you want to preserve the current "
        "draft, publish it as a new version before restoring."
    )
    screenshot(page, "restore-dialog")
    dialog.get_by_role("button", name="Restore").click()

    expect(page.get_by_role("status").filter(has_text="Restored V1")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/agents/{agent.pk}/$"))
    prompt = page.get_by_test_id("section-behaviour").get_by_label("System prompt")
    expect(prompt).to_have_value(ORIGINAL_PROMPT)
    expect(banner(page)).to_contain_text("since V2")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history-list")).to_contain_text("Version restored into the draft")
    screenshot(page, "project-history")


def test_add_edit_and_remove_a_function(page, live_server, login, screenshot, agent):
    login(page, "builder")
    open_editor(page, live_server, agent)
    section = page.get_by_test_id("section-functions")
    section.locator("details.item-add > summary").click()
    add = section.locator("details.item-add form")
    add.get_by_label("Name").fill("lookup_order")
    add.get_by_label("Parameters (JSON schema)").fill(
        '{"type": "object", "properties": {"id": {}}}'
    )
    add.get_by_label("Endpoint URL").fill("https://orders.example.com/lookup")
    add.get_by_role("button", name="Add function").click()
    error = page.get_by_test_id("section-functions").locator(".field-error")
    expect(error).to_contain_text('parameter "id" needs a "type"')
    screenshot(page, "function-error")

    add = page.get_by_test_id("section-functions").locator("details.item-add form")
    add.get_by_label("Parameters (JSON schema)").fill(
        '{"type": "object", "properties": {"id": {"type": "string"}}}'
    )
    add.get_by_role("button", name="Add function").click()
    expect(page.get_by_role("status").filter(has_text="Function added.")).to_be_visible()
    item = page.get_by_test_id("item-lookup_order")
    expect(item).to_contain_text("POST https://orders.example.com/lookup")
    expect(banner(page)).to_be_visible()

    item.locator("summary").click()
    item.get_by_label("Description").fill("Find an order by its id.")
    item.get_by_role("button", name="Save function").click()
    expect(page.get_by_role("status").filter(has_text="Function changed.")).to_be_visible()
    screenshot(page, "functions-section")

    item = page.get_by_test_id("item-lookup_order")
    item.get_by_role("button", name="Remove function lookup_order").click()
    page.locator("dialog[open]").get_by_role("button", name="Remove").click()
    expect(
        page.get_by_role("status").filter(has_text="Function lookup_order removed.")
    ).to_be_visible()
    expect(page.get_by_test_id("item-lookup_order")).to_have_count(0)


def test_a_stale_save_is_refused_and_names_who_changed_it(
    page, live_server, login, screenshot, agent
):
    login(page, "builder")
    open_editor(page, live_server, agent)
    other_tab = page.context.new_page()
    open_editor(other_tab, live_server, agent)
    save_prompt(other_tab, "Saved in the other tab.")

    section = page.get_by_test_id("section-behaviour")
    section.get_by_label("System prompt").fill("Saved in the first tab.")
    section.get_by_role("button", name="Save behaviour").click()
    expect(page.get_by_test_id("section-behaviour").get_by_role("alert")).to_contain_text(
        re.compile(r"Changed by builder at .* — reload to see their change")
    )
    screenshot(page, "stale-revision")
    page.reload()
    prompt = page.get_by_test_id("section-behaviour").get_by_label("System prompt")
    expect(prompt).to_have_value("Saved in the other tab.")
