"""Browser journey: compare what is in Sandbox with what is Live, swap, expand a fold."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from agentbuilder.services import draft_save
from deployments.models import Deployment
from deployments.services import deployment_promote, deployment_publish

PROMPT = "\n".join(
    [
        "You are the booking assistant of Bella Tavola.",
        "Greet the caller warmly.",
        *[f"Rule {n}: keep answers short and check the booking details." for n in range(1, 31)],
        "Ask for the caller's name.",
        "Confirm the booking and say goodbye.",
    ]
)


def save_draft(cast, agent, *, prompt, temperature):
    agent.refresh_from_db()
    document = dict(agent.draft_document)
    document["behaviour"] = {**document["behaviour"], "systemPrompt": prompt}
    document["model"] = {**document["model"], "temperature": temperature}
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def set_up_sandbox_ahead_of_live(cast):
    agent = cast.agent("Bella Tavola")
    save_draft(cast, agent, prompt=PROMPT, temperature=0.7)
    deployment, _ = deployment_publish(actor=cast.admin, agent=agent, message="First menu")
    deployment_promote(
        actor=cast.admin, deployment=deployment, target_environment="live", confirmed=True
    )
    save_draft(
        cast,
        agent,
        prompt=PROMPT.replace("Ask for the caller's name.", "Ask for the caller's full name."),
        temperature=0.3,
    )
    deployment_publish(actor=cast.admin, agent=agent, message="Full names")
    assert Deployment.objects.filter(agent=agent).count() == 3
    return agent


def test_ops_compares_sandbox_with_live_swaps_and_expands_a_fold(
    page, live_server, login, screenshot, cast
):
    agent = set_up_sandbox_ahead_of_live(cast)
    login(page, "ops")
    url = reverse("versions:compare", args=[agent.pk])
    page.goto(f"{live_server.url}{url}?from=live&to=sandbox")

    expect(page.get_by_role("heading", name="Compare", exact=True)).to_be_visible()
    expect(page.get_by_label("From")).to_have_value("live")
    expect(page.get_by_label("To")).to_have_value("sandbox")
    summary = page.get_by_test_id("compare-summary")
    expect(summary).to_contain_text("Live (V1)")
    expect(summary).to_contain_text("Sandbox (V2)")
    expect(summary).to_contain_text("2 changes: prompt, temperature")

    changed = page.locator(".diff .dl.ch").first
    expect(changed.locator(".lt.old")).to_have_text("Ask for the caller's name.")
    expect(changed.locator(".lt.new")).to_have_text("Ask for the caller's full name.")
    expect(changed.locator("ins")).to_have_text("full ")
    expect(page.locator(".compare-scalar")).to_contain_text("0.7")
    expect(page.get_by_text("Functions no changes")).to_be_visible()
    screenshot(page, "compare-sandbox-vs-live")

    page.get_by_role("link", name="Swap").click()
    expect(page).to_have_url(re.compile(r"from=sandbox&to=live"))
    expect(page.get_by_label("From")).to_have_value("sandbox")
    changed = page.locator(".diff .dl.ch").first
    expect(changed.locator("del")).to_have_text("full ")

    fold = page.locator("details.diff-fold").first
    hidden_line = fold.locator(".dl").first
    expect(hidden_line).to_be_hidden()
    fold.get_by_text(re.compile(r"Show \d+ unchanged lines")).click()
    expect(hidden_line).to_be_visible()
    expect(hidden_line).to_contain_text("You are the booking assistant of Bella Tavola.")
    screenshot(page, "compare-swapped-fold-open")


def test_compare_picks_sides_and_shows_no_differences(page, live_server, login, screenshot, cast):
    agent = set_up_sandbox_ahead_of_live(cast)
    login(page, "builder")
    page.goto(f"{live_server.url}{reverse('versions:compare', args=[agent.pk])}")
    # Default: the latest version against the draft, which are the same here.
    expect(page.get_by_label("From")).to_have_value("v2")
    expect(page.get_by_label("To")).to_have_value("draft")
    expect(page.get_by_test_id("no-differences")).to_contain_text("No differences")
    page.get_by_label("To").select_option("pre-release")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"from=v2&to=pre-release"))
    expect(page.get_by_test_id("nothing-deployed")).to_contain_text("Pre-release")
    screenshot(page, "compare-nothing-deployed")


def test_compare_shows_function_items_and_flow_json(page, live_server, login, screenshot, cast):
    agent = cast.agent("Utility line")
    agent.refresh_from_db()
    document = dict(agent.draft_document)
    document["functions"] = [
        {
            "id": "fn_submit01",
            "name": "submit_reading",
            "description": "Submit a meter reading",
            "parameters": {"type": "object", "properties": {"reading": {"type": "number"}}},
            "code": "def run(reading):\n    return meters.submit(reading)\n",
        }
    ]
    document["flows"] = [
        {
            "id": "flow_main01",
            "name": "billing",
            "definition": {"start": "ask", "steps": [{"id": "ask", "prompt": "Account number?"}]},
        }
    ]
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )
    deployment_publish(actor=cast.builder, agent=agent, message="Meters")
    agent.refresh_from_db()
    document = dict(agent.draft_document)
    document["functions"] = [
        {
            **document["functions"][0],
            "name": "submit_meter_reading",
            "code": "def run(reading):\n    return meters.submit(reading, validate=True)\n",
        },
        {
            "id": "fn_balance1",
            "name": "get_balance",
            "description": "",
            "parameters": {"type": "object", "properties": {}},
            "endpoint": {"method": "GET", "url": "https://billing.example.com/balance"},
            "connection": "billing-api",
        },
    ]
    document["flows"][0]["definition"]["steps"][0]["prompt"] = "What is your account number?"
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )
    login(page, "builder")
    url = reverse("versions:compare", args=[agent.pk])
    page.goto(f"{live_server.url}{url}?from=sandbox&to=draft")
    summary = page.get_by_test_id("compare-summary")
    expect(summary).to_contain_text("1 function added")
    expect(summary).to_contain_text("1 function renamed")
    renamed = page.locator(".compare-item-renamed")
    expect(renamed).to_contain_text("submit_meter_reading")
    expect(renamed).to_contain_text("was submit_reading")
    expect(renamed.locator("ins")).to_contain_text(["submit_meter_reading", ", validate=True"])
    expect(page.locator(".compare-item-added")).to_contain_text("billing-api")
    expect(page.locator("#section-flows .dl.ch ins")).to_have_text("What is your account ")
    screenshot(page, "compare-functions-and-flows")


def test_ops_compares_a_sandbox_version_with_live_from_the_deployments_page(
    page, live_server, login, screenshot, cast
):
    agent = set_up_sandbox_ahead_of_live(cast)
    login(page, "ops")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deployments").click()
    page.get_by_role("link", name=agent.name).click()
    sandbox_v2 = page.locator('tr[data-testid="deployment-row"][data-version="2"]').first
    sandbox_v2.locator("summary").click()
    # Pre-release has nothing deployed, so Compare sets V2 against Live, the next
    # environment downstream that has a version.
    sandbox_v2.get_by_role("menuitem", name="Compare").click()

    expect(page).to_have_url(re.compile(r"/compare/\?from=live&to=v2"))
    expect(page.get_by_test_id("compare-summary")).to_contain_text("Live (V1)")
    changed = page.locator(".diff .dl.ch").first
    expect(changed.locator(".lt.old")).to_have_text("Ask for the caller's name.")
    expect(changed.locator(".lt.new")).to_have_text("Ask for the caller's full name.")
    expect(changed.locator("ins")).to_have_text("full ")
    screenshot(page, "compare-from-deployments")

    page.get_by_role("link", name="Swap").click()
    expect(page).to_have_url(re.compile(r"from=v2&to=live"))
    expect(page.locator(".diff .dl.ch").first.locator("del")).to_have_text("full ")
    fold = page.locator("details.diff-fold").first
    fold.get_by_text(re.compile(r"Show \d+ unchanged lines")).click()
    expect(fold.locator(".dl").first).to_be_visible()
