import json
import urllib.request

from playwright.sync_api import expect

from agentbuilder.services import draft_save
from api.services import api_key_create
from deployments.services import deployment_promote, deployment_publish


def _route(live_server, key: str, caller: str = "+15550001111") -> dict:
    request = urllib.request.Request(
        f"{live_server.url}/v1/calls/route",
        data=json.dumps({"to": "+442079460958", "from": caller, "callId": "e2e"}).encode(),
        headers={"x-api-key": key, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_admin_pins_a_number_to_live_a_promotion_reaches_it_and_a_split_is_saved(
    page, live_server, login, screenshot, cast
):
    agent = cast.agent("Bella Tavola")
    first, _ = deployment_publish(
        actor=cast.builder, agent=agent, message="v1", version_name="Launch"
    )
    deployment_promote(actor=cast.ops, deployment=first, target_environment="live", confirmed=True)
    key = api_key_create(actor=None, workspace=cast.workspace, name="telephony")[1]

    login(page, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Numbers").click()
    page.get_by_label("Phone number").fill("+44 20 7946 0958")
    page.get_by_label("Label").fill("Main line")
    page.get_by_role("button", name="Add number").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("+442079460958")
    expect(page.get_by_role("status")).to_contain_text("Added +442079460958")

    page.get_by_label("Target").select_option("live")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_test_id("now-answering")).to_contain_text("Bella Tavola — Live (V1)")
    assert _route(live_server, key)["version"]["number"] == 1

    # A new version reaches Live (as ops, through the service): the number follows at once.
    agent.refresh_from_db()
    document = {
        **agent.draft_document,
        "behaviour": {**agent.draft_document["behaviour"], "welcomeMessage": "Ciao!"},
    }
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )
    second, _ = deployment_publish(
        actor=cast.builder, agent=agent, message="v2", version_name="Ciao"
    )
    deployment_promote(actor=cast.ops, deployment=second, target_environment="live", confirmed=True)
    answer = _route(live_server, key)
    assert answer["version"]["number"] == 2
    assert answer["config"]["behaviour"]["welcomeMessage"] == "Ciao!"

    # Switch to a 70/30 split between V1 and V2; 70/20 is refused next to the weights.
    page.reload()
    page.get_by_role("button", name="Split into an A/B test").click()
    expect(page.get_by_test_id("split-editor")).to_be_visible()
    page.get_by_label("Variant 1 target").select_option("v1")
    page.get_by_label("Variant 2 target").select_option("v2")
    page.get_by_label("Variant 1 weight").fill("70")
    page.get_by_label("Variant 2 weight").fill("20")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_test_id("weights-error")).to_have_text(
        "The weights add up to 90%; they must add up to 100%."
    )
    expect(page.get_by_test_id("now-answering")).to_contain_text("Live (V2)")
    page.get_by_label("Header 1 name").fill("X-Tenant")
    page.get_by_label("Header 1 value").fill("bella")
    page.get_by_label("Variant 2 weight").fill("30")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the assignment")
    expect(page.get_by_test_id("now-answering")).to_contain_text(
        "70% Control: Bella Tavola — V1 (pinned)"
    )
    expect(page.get_by_test_id("now-answering")).to_contain_text(
        "30% Test: Bella Tavola — V2 (pinned)"
    )
    expect(page.get_by_test_id("number-history")).to_contain_text("Control V1 70%, Test V2 30%")
    screenshot(page, "number-detail")
    answer = _route(live_server, key, caller="+15550009999")
    assert answer["variant"] in {"Control", "Test"}
    assert answer["sipHeaders"] == {"X-Tenant": "bella"}

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Numbers").click()
    expect(page.get_by_test_id("number-row")).to_contain_text("Main line")
    screenshot(page, "numbers-list")


def test_ops_sees_numbers_read_only_with_the_reason(page, live_server, login, screenshot, cast):
    from telephony.services import number_assign, number_create

    agent = cast.agent("Bella Tavola")
    deployment_publish(actor=cast.builder, agent=agent, message="v1")
    phone_number = number_create(
        actor=cast.admin, workspace=cast.workspace, number="+442079460958", label="Production line"
    )
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "draft"}]
    )

    login(page, "ops")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Numbers").click()
    expect(page.get_by_test_id("read-only")).to_contain_text(
        "Only admins can do this. You are ops."
    )
    expect(page.get_by_role("button", name="Add number")).to_have_count(0)
    expect(page.get_by_test_id("number-row")).to_contain_text(
        "Draft target on a number labelled as production"
    )
    page.get_by_role("link", name="+442079460958").click()
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_label("Target")).to_be_disabled()
    expect(page.get_by_role("button", name="Save assignment")).to_have_count(0)
    expect(page.get_by_role("button", name="Release number")).to_have_count(0)
    screenshot(page, "number-detail-read-only")


def test_choosing_another_agent_reloads_the_version_dropdown(page, live_server, login, cast):
    from telephony.services import number_create

    bella = cast.agent("Bella Tavola")
    deployment_publish(actor=cast.builder, agent=bella, message="v1", version_name="Launch menu")
    grid = cast.agent("Northgrid")
    deployment_publish(actor=cast.builder, agent=grid, message="v1", version_name="Billing basics")
    number_create(actor=cast.admin, workspace=cast.workspace, number="+442079460958")

    login(page, "admin")
    page.goto(f"{live_server.url}/numbers/")
    page.get_by_role("link", name="+442079460958").click()
    expect(page.get_by_label("Agent")).to_have_value(str(bella.pk))  # the first agent
    expect(page.get_by_label("Target")).to_contain_text("V1 Launch menu (pinned)")
    page.get_by_label("Agent").select_option(label="Northgrid")
    expect(page.get_by_label("Target")).to_contain_text("V1 Billing basics (pinned)")
    expect(page.get_by_label("Target")).not_to_contain_text("Launch menu")
    page.get_by_label("Target").select_option("v1")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_test_id("now-answering")).to_contain_text("Northgrid — V1 (pinned)")
