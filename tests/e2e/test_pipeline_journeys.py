"""Browser journeys through the Deployments page (issue 4)."""

import re

import pytest
from playwright.sync_api import expect

from agentbuilder.services import draft_save
from deployments.services import deployment_promote, deployment_publish


def edit_and_publish(cast, agent, prompt: str, message: str):
    agent.refresh_from_db()
    document = {
        **agent.draft_document,
        "behaviour": {**agent.draft_document["behaviour"], "systemPrompt": prompt},
    }
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )
    deployment, _ = deployment_publish(actor=cast.builder, agent=agent, message=message)
    return deployment


@pytest.fixture
def agent(cast):
    return cast.agent("Bella Tavola")


def open_deployments(page, live_server, agent, screenshot=None):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deployments").click()
    expect(page.get_by_role("heading", name="Deployments")).to_be_visible()
    expect(page.get_by_test_id("deployments-agent")).to_contain_text(agent.name)
    if screenshot:
        screenshot(page, "deployments-index")
    page.get_by_role("link", name=agent.name).click()
    expect(page.get_by_role("heading", name=agent.name)).to_be_visible()


def row(page, version: int):
    return page.locator(f'tr[data-testid="deployment-row"][data-version="{version}"]').first


def open_menu(page, version: int):
    row(page, version).locator("summary").click()
    menu = row(page, version).locator(".menu-items")
    expect(menu).to_be_visible()
    return menu


def test_builder_publishes_and_promotes_to_pre_release(
    page, live_server, login, screenshot, cast, agent
):
    edit_and_publish(cast, agent, "Welcome to Bella Tavola.", "First menu")
    edit_and_publish(cast, agent, "Welcome! Ask about the specials.", "Specials")
    login(page, "builder")
    open_deployments(page, live_server, agent, screenshot)

    tab = page.get_by_test_id("tab-sandbox")
    expect(tab.get_by_test_id("deployment-row")).to_have_count(2)
    expect(row(page, 2)).to_contain_text("Active")
    expect(row(page, 2)).to_contain_text("Specials")
    expect(row(page, 1)).not_to_contain_text("Active")
    screenshot(page, "deployments-sandbox-tab")

    menu = open_menu(page, 2)
    expect(menu.get_by_role("menuitem", name="Promote to Pre-release")).to_be_visible()
    # A builder does not see Promote to Live at all; Rollback is disabled with its reason.
    expect(menu.get_by_role("menuitem", name="Promote to Live")).to_have_count(0)
    rollback = menu.get_by_role("menuitem", name="Rollback")
    expect(rollback).to_have_attribute("aria-disabled", "true")
    rollback.focus()
    expect(page.get_by_text("Only ops and admins can do this.").first).to_be_visible()
    expect(rollback).to_have_accessible_description("Only ops and admins can do this.")
    screenshot(page, "deployments-menu-open-builder")

    menu.get_by_role("menuitem", name="Promote to Pre-release").click()
    dialog = page.get_by_role("dialog", name="Promote to Pre-release")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Message").fill("Ready for UAT")
    dialog.get_by_role("button", name="Promote").click()

    expect(page.locator("#toasts")).to_contain_text("V2 promoted to Pre-release.")
    expect(page.locator("#tab-panel")).to_be_focused()
    expect(page.get_by_test_id("env-version-pre-release")).to_have_text("V2")
    expect(dialog).to_have_count(0)

    page.get_by_role("tab", name="Pre-release").click()
    expect(page).to_have_url(re.compile(r"\?tab=pre-release$"))
    expect(page.get_by_role("tab", name="Pre-release")).to_have_attribute("aria-selected", "true")
    expect(row(page, 2)).to_contain_text("Ready for UAT")
    expect(row(page, 2)).to_contain_text("Active")
    expect(row(page, 2)).to_contain_text("from Sandbox")
    # The URL keeps the tab: a reload shows the same tab.
    page.reload()
    expect(page.get_by_role("tab", name="Pre-release")).to_have_attribute("aria-selected", "true")
    screenshot(page, "deployments-pre-release-tab")

    # Promote to Live is not offered to a builder anywhere, not even in Pre-release.
    open_menu(page, 2)
    expect(page.get_by_role("menuitem", name="Promote to Live")).to_have_count(0)


def test_the_menu_is_keyboard_operable(page, live_server, login, cast, agent):
    edit_and_publish(cast, agent, "one", "First")
    login(page, "ops")
    page.goto(f"{live_server.url}/agents/{agent.pk}/deployments/")
    summary = row(page, 1).locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = row(page, 1).locator(".menu-items")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Promote to Pre-release")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Promote to Live")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(summary).to_be_focused()


def test_ops_promotes_to_live_rolls_back_and_undeploys(
    page, live_server, login, screenshot, cast, agent
):
    v1 = edit_and_publish(cast, agent, "Welcome to Bella Tavola.", "First menu")
    deployment_promote(actor=cast.builder, deployment=v1, message="UAT")
    deployment_promote(
        actor=cast.ops, deployment=v1, target_environment="live", confirmed=True, message="Launch"
    )
    v2 = edit_and_publish(cast, agent, "Welcome! Ask about the specials.", "Specials")
    deployment_promote(actor=cast.builder, deployment=v2, message="UAT 2")

    login(page, "ops")
    page.goto(f"{live_server.url}/agents/{agent.pk}/deployments/?tab=pre-release")
    expect(page.get_by_role("tab", name="Pre-release")).to_have_attribute("aria-selected", "true")

    menu = open_menu(page, 2)
    screenshot(page, "deployments-menu-open-ops")
    menu.get_by_role("menuitem", name="Promote to Live").click()
    dialog = page.get_by_role("dialog", name="Promote version live")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("live customer traffic")
    promote = dialog.get_by_role("button", name="Promote")
    expect(promote).to_be_disabled()
    screenshot(page, "deployments-promote-to-live-dialog")
    checkbox = dialog.get_by_label("I understand and wish to continue")
    checkbox.check()
    expect(promote).to_be_enabled()
    checkbox.uncheck()
    expect(promote).to_be_disabled()
    checkbox.check()
    dialog.get_by_label("Message").fill("Specials go live")
    promote.click()

    expect(page.locator("#toasts")).to_contain_text("V2 promoted to Live.")
    expect(page.get_by_test_id("env-version-live")).to_have_text("V2")

    page.get_by_role("tab", name="Live").click()
    expect(page).to_have_url(re.compile(r"\?tab=live$"))
    expect(row(page, 2)).to_contain_text("Active")
    expect(row(page, 2)).to_contain_text("Specials go live")
    expect(row(page, 2)).to_contain_text("ops")
    screenshot(page, "deployments-live-tab")

    open_menu(page, 2).get_by_role("menuitem", name="Rollback").click()
    dialog = page.get_by_role("dialog", name="Roll back Live")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Live returns to V1 First menu, the version active before V2.")
    dialog.get_by_label("Message").fill("Specials confuse callers")
    screenshot(page, "deployments-rollback-dialog")
    dialog.get_by_role("button", name="Rollback").click()
    expect(page.locator("#toasts")).to_contain_text("Live rolled back to V1.")
    expect(page.get_by_test_id("env-version-live")).to_have_text("V1")
    newest = page.get_by_test_id("deployment-row").first
    expect(newest).to_contain_text("Rollback")
    expect(newest).to_contain_text("Active")

    page.get_by_role("button", name="Undeploy").click()
    dialog = page.get_by_role("dialog", name="Undeploy Live")
    expect(dialog).to_be_visible()
    screenshot(page, "deployments-undeploy-dialog")
    dialog.get_by_role("button", name="Undeploy").click()
    expect(page.locator("#toasts")).to_contain_text(
        "Live undeployed: V1 no longer receives traffic."
    )
    expect(page.get_by_test_id("env-version-live")).to_have_text("Nothing deployed")
    expect(page.get_by_text("Nothing is deployed in Live.")).to_be_visible()
    expect(page.get_by_role("button", name="Undeploy")).to_have_count(0)
    screenshot(page, "deployments-live-undeployed")


def test_builder_does_not_see_promote_to_live(page, live_server, login, cast, agent):
    v1 = edit_and_publish(cast, agent, "one", "First")
    deployment_promote(actor=cast.builder, deployment=v1)
    deployment_promote(actor=cast.ops, deployment=v1, target_environment="live", confirmed=True)
    login(page, "builder")
    for tab in ("sandbox", "pre-release", "live"):
        page.goto(f"{live_server.url}/agents/{agent.pk}/deployments/?tab={tab}")
        open_menu(page, 1)
        expect(page.get_by_role("menuitem", name="Promote to Live")).to_have_count(0)
    # On Live, Undeploy is shown disabled with the reason.
    undeploy = page.get_by_role("button", name="Undeploy")
    expect(undeploy).to_have_attribute("aria-disabled", "true")
    expect(undeploy).to_have_accessible_description("Only ops and admins can do this.")


def test_the_server_refuses_an_unconfirmed_promotion_and_reopens_the_dialog(
    page, live_server, login, screenshot, cast, agent
):
    v1 = edit_and_publish(cast, agent, "one", "First")
    deployment_promote(actor=cast.builder, deployment=v1)
    login(page, "ops")
    page.goto(f"{live_server.url}/agents/{agent.pk}/deployments/?tab=pre-release")
    open_menu(page, 1).get_by_role("menuitem", name="Promote to Live").click()
    dialog = page.get_by_role("dialog", name="Promote version live")
    promote = dialog.get_by_role("button", name="Promote")
    expect(promote).to_be_disabled()
    # Bypass the disabled button, as a crafted request would: the server still refuses.
    promote.evaluate("button => { button.disabled = false; }")
    dialog.get_by_label("Message").fill("Friday release")
    promote.click()
    dialog = page.get_by_role("dialog", name="Promote version live")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Message")).to_have_value("Friday release")
    expect(dialog).to_contain_text("Promoting to Live needs confirmation")
    expect(page.locator("#toasts")).to_contain_text("Promoting to Live needs confirmation")
    expect(page.get_by_test_id("env-version-live")).to_have_text("Nothing deployed")
    screenshot(page, "deployments-promote-to-live-refused")
