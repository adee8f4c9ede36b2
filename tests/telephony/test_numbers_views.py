import pytest
from django.urls import reverse

from deployments.services import deployment_promote, deployment_publish, deployment_undeploy
from telephony.models import NumberAssignment, PhoneNumber
from telephony.services import number_assign, number_create

pytestmark = pytest.mark.django_db

NUMBER = "+442079460958"


@pytest.fixture
def agent(cast):
    agent = cast.agent("Bella")
    first, _ = deployment_publish(actor=cast.builder, agent=agent, message="v1")
    deployment_promote(actor=cast.ops, deployment=first, target_environment="live", confirmed=True)
    return agent


@pytest.fixture
def phone_number(cast, agent):
    phone_number = number_create(
        actor=cast.admin, workspace=cast.workspace, number=NUMBER, label="Main line"
    )
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
    )
    return phone_number


def detail_url(phone_number):
    return reverse("telephony:number_detail", args=[phone_number.pk])


def test_it_lists_numbers_with_agent_target_and_warnings(client_for, cast, agent, phone_number):
    other = number_create(
        actor=cast.admin, workspace=cast.workspace, number="+15550001111", label="Prod test line"
    )
    number_assign(actor=cast.admin, phone_number=other, agent=agent, variants=[{"target": "draft"}])
    response = client_for("builder").get(reverse("telephony:numbers"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "+442079460958" in html and "Main line" in html and "Bella" in html
    assert "Live (V1)" in html
    assert "Draft target on a number labelled as production" in html
    assert "Read-only: Only admins can do this. You are builder." in html
    assert "Add number" not in html


def test_the_list_makes_a_constant_number_of_queries(
    client_for, cast, agent, django_assert_num_queries
):
    client = client_for("admin")
    for index in range(3):
        phone_number = number_create(
            actor=cast.admin, workspace=cast.workspace, number=f"+1555000100{index}"
        )
        number_assign(
            actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
        )
    with django_assert_num_queries(8) as few:
        client.get(reverse("telephony:numbers"))
    baseline = len(few.captured_queries)
    for index in range(3, 12):
        phone_number = number_create(
            actor=cast.admin, workspace=cast.workspace, number=f"+1555000100{index}"
        )
        number_assign(
            actor=cast.admin,
            phone_number=phone_number,
            agent=agent,
            variants=[
                {"label": "A", "target": "v1", "weight": 50},
                {"label": "B", "target": "draft", "weight": 50},
            ],
        )
    with django_assert_num_queries(baseline):
        response = client.get(reverse("telephony:numbers"))
    assert response.content.decode().count('data-testid="number-row"') == 12


def test_the_list_paginates(client_for, cast):
    for index in range(26):
        number_create(actor=cast.admin, workspace=cast.workspace, number=f"+155500010{index:02d}")
    client = client_for("admin")
    first = client.get(reverse("telephony:numbers")).content.decode()
    second = client.get(reverse("telephony:numbers") + "?page=2").content.decode()
    assert first.count('data-testid="number-row"') == 25
    assert second.count('data-testid="number-row"') == 1
    assert "Page 2 of 2" in second


def test_admin_adds_a_number_and_lands_on_its_page(client_for, cast):
    response = client_for("admin").post(
        reverse("telephony:numbers"), {"number": "+44 20 7946 0958", "label": "Main"}
    )
    phone_number = PhoneNumber.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(phone_number)
    assert phone_number.number == NUMBER


def test_a_bad_number_is_refused_next_to_its_field(client_for, cast):
    response = client_for("admin").post(reverse("telephony:numbers"), {"number": "020 7946"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="number-error">Start the number with + and the country code' in html
    assert 'aria-invalid="true"' in html
    assert not PhoneNumber.objects.exists()


def test_a_number_in_use_elsewhere_is_refused_without_naming_the_workspace(client_for, cast):
    number_create(actor=cast.outsider, workspace=cast.other_workspace, number=NUMBER)
    response = client_for("admin").post(reverse("telephony:numbers"), {"number": NUMBER})
    html = response.content.decode()
    assert response.status_code == 422
    assert "This number is already in use." in html
    assert "Other" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("name", ["builder", "ops"])
def test_non_admins_cannot_add_or_change(client_for, cast, agent, phone_number, name):
    client = client_for(name)
    client.post(reverse("telephony:numbers"), {"number": "+15550001111"})
    response = client.post(
        reverse("telephony:number_assign", args=[phone_number.pk]),
        {
            "agent": str(agent.pk),
            "variant_label": "Default",
            "variant_target": "draft",
            "variant_weight": "100",
        },
    )
    assert response.status_code == 302
    client.post(reverse("telephony:number_release", args=[phone_number.pk]))
    assert PhoneNumber.objects.count() == 1
    assert NumberAssignment.objects.get().variants.get().environment == "live"
    page = client.get(detail_url(phone_number)).content.decode()
    assert "Only admins can do this." in page
    assert '<fieldset class="plain" disabled>' in page
    assert "Save assignment" not in page and "release-dialog" not in page


def test_another_workspaces_number_is_404(client_for, cast, phone_number):
    client = client_for("outsider")
    assert client.get(detail_url(phone_number)).status_code == 404
    assert (
        client.post(reverse("telephony:number_release", args=[phone_number.pk])).status_code == 404
    )
    assert PhoneNumber.objects.filter(pk=phone_number.pk).exists()


def test_post_only_views_refuse_get(client_for, phone_number):
    client = client_for("admin")
    for name in ("number_assign", "number_label", "number_release"):
        assert client.get(reverse(f"telephony:{name}", args=[phone_number.pk])).status_code == 405


def test_the_page_shows_the_target_dropdown_and_history(client_for, cast, agent, phone_number):
    html = client_for("admin").get(detail_url(phone_number)).content.decode()
    for option in (
        "Sandbox (follows whatever is active: now V1)",
        "Pre-release (follows whatever is active: nothing deployed)",
        "Live (follows whatever is active: now V1)",
        "V1 ",
        "Draft (for testing)",
    ):
        assert option in html
    assert "Number assignment changed: Bella → Live" in html
    assert "Number added: +442079460958" in html


def test_admin_saves_a_split(client_for, cast, agent, phone_number):
    response = client_for("admin").post(
        reverse("telephony:number_assign", args=[phone_number.pk]),
        {
            "agent": str(agent.pk),
            "variant_label": ["Control", "Test"],
            "variant_target": ["v1", "draft"],
            "variant_weight": ["70", "30"],
            "header_name": ["X-Tenant"],
            "header_value": ["bella"],
        },
    )
    assert response.status_code == 302
    assignment = NumberAssignment.objects.get()
    assert [(v.label, v.weight) for v in assignment.variants.all()] == [
        ("Control", 70),
        ("Test", 30),
    ]
    assert assignment.sip_headers == [{"name": "X-Tenant", "value": "bella"}]
    assert assignment.history.first().history_user == cast.users["admin"]


def test_a_split_that_does_not_sum_to_100_is_refused_next_to_the_weights(
    client_for, agent, phone_number
):
    response = client_for("admin").post(
        reverse("telephony:number_assign", args=[phone_number.pk]),
        {
            "agent": str(agent.pk),
            "variant_label": ["Control", "Test"],
            "variant_target": ["v1", "draft"],
            "variant_weight": ["70", "20"],
            "header_name": ["X Bad"],
            "header_value": ["1"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="header-name-0-error">' in html
    assert NumberAssignment.objects.get().variants.get().environment == "live"


def test_weights_error_is_shown(client_for, agent, phone_number):
    response = client_for("admin").post(
        reverse("telephony:number_assign", args=[phone_number.pk]),
        {
            "agent": str(agent.pk),
            "variant_label": ["Control", "Test"],
            "variant_target": ["v1", "draft"],
            "variant_weight": ["70", "20"],
        },
    )
    assert response.status_code == 422
    assert (
        'data-testid="weights-error">The weights add up to 90%; they must add up to 100%.'
        in response.content.decode()
    )


def test_the_editor_adds_a_variant_as_an_htmx_partial_without_saving(
    client_for, agent, phone_number
):
    response = client_for("admin").get(
        detail_url(phone_number),
        {
            "agent": str(agent.pk),
            "variant_label": "Default",
            "variant_target": "live",
            "variant_weight": "100",
            "op": "add-variant",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="assignment">')
    assert 'value="Control"' in html and 'value="Test"' in html
    assert NumberAssignment.objects.get().variants.count() == 1


def test_release_deletes_the_number_and_its_assignment(client_for, phone_number):
    response = client_for("admin").post(reverse("telephony:number_release", args=[phone_number.pk]))
    assert response.status_code == 302
    assert response.url == reverse("telephony:numbers")
    assert not PhoneNumber.objects.exists()


def test_warnings_for_a_pinned_version_no_longer_active_and_an_empty_environment(
    client_for, cast, agent, phone_number
):
    pinned = number_create(actor=cast.admin, workspace=cast.workspace, number="+15550001111")
    number_assign(actor=cast.admin, phone_number=pinned, agent=agent, variants=[{"target": "v1"}])
    deployment_undeploy(actor=cast.ops, agent=agent, environment="live")
    html = client_for("admin").get(reverse("telephony:numbers")).content.decode()
    assert "Pinned to V1" not in html  # still active in Sandbox
    deployment_undeploy(actor=cast.ops, agent=agent, environment="sandbox")
    html = client_for("admin").get(reverse("telephony:numbers")).content.decode()
    assert "Pinned to V1, which is no longer active in any environment." in html
    assert "Live has nothing deployed: calls to this number are refused." in html


def test_label_is_saved(client_for, phone_number):
    client_for("admin").post(
        reverse("telephony:number_label", args=[phone_number.pk]), {"label": "Sales"}
    )
    phone_number.refresh_from_db()
    assert phone_number.label == "Sales"


def test_the_number_page_makes_a_constant_number_of_queries(
    client_for, cast, agent, phone_number, django_assert_num_queries
):
    client = client_for("admin")
    client.get(detail_url(phone_number))
    with django_assert_num_queries(12) as few:
        client.get(detail_url(phone_number))
    baseline = len(few.captured_queries)
    for weights in ((50, 50), (40, 60), (30, 70)):
        number_assign(
            actor=cast.admin,
            phone_number=phone_number,
            agent=agent,
            variants=[
                {"label": "A", "target": "v1", "weight": weights[0]},
                {"label": "B", "target": "draft", "weight": weights[1] - 10},
                {"label": "C", "target": "sandbox", "weight": 10},
            ],
            sip_headers={"X-A": "1", "X-B": "2"},
        )
    with django_assert_num_queries(baseline):
        response = client.get(detail_url(phone_number))
    assert response.content.decode().count("Number assignment changed") == 4
