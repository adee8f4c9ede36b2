import re

from django.core.management import call_command
from playwright.sync_api import expect


def test_each_demo_user_logs_in_sees_the_dashboard_and_logs_out(
    page, live_server, login, screenshot
):
    call_command("seed_demo", password="correct-horse-battery", verbosity=0)
    for username in ("builder", "ops", "admin"):
        login(page, username)
        expect(page.get_by_role("heading", name="Agents")).to_be_visible()
        expect(page.get_by_test_id("current-user")).to_contain_text(username)
        expect(page.get_by_role("link", name="Bella Tavola Reservations")).to_be_visible()
        expect(page.get_by_test_id("env-strip").first).to_contain_text("Live")
        if username == "builder":
            screenshot(page, "dashboard")
        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(re.compile(r"/login/"))


def test_admin_switches_workspace(page, live_server, login, screenshot):
    call_command("seed_demo", password="correct-horse-battery", verbosity=0)
    login(page, "admin")
    expect(page.get_by_role("link", name="Bella Tavola Reservations")).to_be_visible()
    page.get_by_label("Workspace").select_option("acme")
    expect(page.get_by_role("link", name="Acme Helpdesk")).to_be_visible()
    expect(page.get_by_role("link", name="Bella Tavola Reservations")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Switched to Acme")
    screenshot(page, "workspace-switched")


def test_sidebar_reaches_every_section_by_keyboard(page, live_server, login):
    call_command("seed_demo", password="correct-horse-battery", verbosity=0)
    login(page, "builder")
    for name in ("Deployments", "Numbers", "History", "API keys", "Settings", "Agents"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")


def test_reading_paths_work_without_javascript(browser, live_server):
    call_command("seed_demo", password="correct-horse-battery", verbosity=0)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Bella Tavola Reservations")).to_be_visible()
    # Without JavaScript the workspace switcher falls back to its visible Switch button.
    page.get_by_label("Workspace").select_option("acme")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("link", name="Acme Helpdesk")).to_be_visible()
    context.close()
