import pytest
from django.db import IntegrityError, connection, transaction

from agentbuilder.errors import InvalidInput, NotAllowed
from deployments.services import deployment_publish
from telephony.models import AssignmentVariant, NumberAssignment, PhoneNumber
from telephony.services import (
    clean_sip_headers,
    normalise_e164,
    number_assign,
    number_create,
    number_release,
    number_update,
)

pytestmark = pytest.mark.django_db


# --- E.164 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "+44 20 7946 0958",
        "+44-20-7946-0958",
        "+44.20.7946.0958",
        "+44 (20) 7946 0958",
        " +442079460958 ",
    ],
)
def test_it_normalises_e164_numbers(raw):
    assert normalise_e164(raw) == "+442079460958"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a phone number in international format, e.g. +44 20 7946 0958."),
        ("020 7946 0958", "Start the number with + and the country code, e.g. +44 20 7946 0958."),
        ("+44 20 7946 095x", "Use only digits, spaces, dashes, dots and parentheses after the +."),
        ("+1234567", "A phone number has 8 to 15 digits after the +; this one has 7."),
        ("+1234567890123456", "A phone number has 8 to 15 digits after the +; this one has 16."),
        ("+0441234567", "The country code after the + cannot start with 0."),
    ],
)
def test_it_refuses_bad_numbers_with_a_clear_message(raw, message):
    with pytest.raises(InvalidInput) as error:
        normalise_e164(raw)
    assert error.value.message == message
    assert error.value.errors == {"number": message}


def test_it_accepts_8_and_15_digits():
    assert normalise_e164("+12345678") == "+12345678"
    assert normalise_e164("+123456789012345") == "+123456789012345"


# --- SIP headers -----------------------------------------------------------------------


def test_it_accepts_token_header_names_and_drops_empty_rows():
    headers = clean_sip_headers(
        [
            {"name": "X-Tenant", "value": "bella"},
            {"name": "", "value": ""},
            {"name": "P-Asserted~1", "value": ""},
        ]
    )
    assert headers == [
        {"name": "X-Tenant", "value": "bella"},
        {"name": "P-Asserted~1", "value": ""},
    ]
    assert clean_sip_headers({"X-A": "1"}) == [{"name": "X-A", "value": "1"}]


@pytest.mark.parametrize(
    ("headers", "field", "message"),
    [
        ([{"name": "X Bad", "value": "1"}], "sipHeaders.0.name", "no spaces or colons"),
        ([{"name": "X-Bad:", "value": "1"}], "sipHeaders.0.name", "no spaces or colons"),
        ([{"name": "", "value": "1"}], "sipHeaders.0.name", "Give the header a name."),
        ([{"name": "X-A", "value": "a\r\nVia: evil"}], "sipHeaders.0.value", "line breaks"),
        ([{"name": "X-A", "value": "a\0"}], "sipHeaders.0.value", "NUL"),
        ([{"name": "X-" + "a" * 63, "value": "1"}], "sipHeaders.0.name", "at most 64"),
        ([{"name": "X-A", "value": "v" * 257}], "sipHeaders.0.value", "at most 256"),
        (
            [{"name": "X-A", "value": "1"}, {"name": "x-a", "value": "2"}],
            "sipHeaders.1.name",
            "given twice",
        ),
        ([{"name": f"X-{i}", "value": "1"} for i in range(21)], "sipHeaders", "at most 20"),
    ],
)
def test_it_refuses_bad_sip_headers(headers, field, message):
    with pytest.raises(InvalidInput) as error:
        clean_sip_headers(headers)
    assert message in error.value.errors[field]


def test_it_accepts_limits_exactly():
    headers = [{"name": "X-" + "a" * 62, "value": "v" * 256}] + [
        {"name": f"X-{i}", "value": ""} for i in range(19)
    ]
    assert len(clean_sip_headers(headers)) == 20


# --- Services ------------------------------------------------------------------------


@pytest.fixture
def agent(cast):
    agent = cast.agent("Bella")
    deployment_publish(actor=cast.builder, agent=agent, message="first")
    return agent


def test_it_creates_a_number_with_history(cast):
    phone_number = number_create(
        actor=cast.admin, workspace=cast.workspace, number="+44 20 7946 0958", label="Main line"
    )
    assert phone_number.number == "+442079460958"
    record = phone_number.history.get()
    assert record.history_user == cast.users["admin"]
    assert record.history_change_reason == "numbers.create: +442079460958"


def test_it_refuses_a_number_used_in_another_workspace_without_naming_it(cast):
    number_create(actor=cast.outsider, workspace=cast.other_workspace, number="+442079460958")
    with pytest.raises(InvalidInput) as error:
        number_create(actor=cast.admin, workspace=cast.workspace, number="+44 20 7946 0958")
    assert error.value.errors == {"number": "This number is already in use."}
    assert "Other" not in error.value.message
    assert PhoneNumber.objects.count() == 1


@pytest.mark.parametrize("name", ["builder", "ops"])
def test_it_lets_only_admins_change_numbers(cast, agent, name):
    with pytest.raises(NotAllowed, match="Only admins"):
        number_create(actor=cast.actor(name), workspace=cast.workspace, number="+442079460958")
    phone_number = number_create(actor=cast.admin, workspace=cast.workspace, number="+442079460958")
    with pytest.raises(NotAllowed):
        number_assign(
            actor=cast.actor(name),
            phone_number=phone_number,
            agent=agent,
            variants=[{"target": "live"}],
        )
    with pytest.raises(NotAllowed):
        number_release(actor=cast.actor(name), phone_number=phone_number)
    assert PhoneNumber.objects.filter(pk=phone_number.pk).exists()


def _number(cast):
    return number_create(actor=cast.admin, workspace=cast.workspace, number="+442079460958")


def test_it_assigns_a_plain_target_and_records_who_and_what(cast, agent):
    phone_number = _number(cast)
    assignment = number_assign(
        actor=cast.admin,
        phone_number=phone_number,
        agent=agent,
        variants=[{"target": "live"}],
        sip_headers=[{"name": "X-Tenant", "value": "bella"}],
    )
    variant = assignment.variants.get()
    assert (variant.label, variant.target_kind, variant.environment, variant.weight) == (
        "Default",
        "environment",
        "live",
        100,
    )
    record = assignment.history.get()
    assert record.history_user == cast.users["admin"]
    assert record.history_change_reason == "numbers.assign: Bella → Live; SIP headers X-Tenant"


def test_it_refuses_weights_that_do_not_sum_to_100_and_changes_nothing(cast, agent):
    phone_number = _number(cast)
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
    )
    with pytest.raises(InvalidInput) as error:
        number_assign(
            actor=cast.admin,
            phone_number=phone_number,
            agent=agent,
            variants=[
                {"label": "Control", "target": "v1", "weight": 70},
                {"label": "Test", "target": "draft", "weight": 20},
            ],
        )
    assert error.value.errors == {"weights": "The weights add up to 90%; they must add up to 100%."}
    assert list(AssignmentVariant.objects.values_list("environment", "weight")) == [("live", 100)]


@pytest.mark.parametrize(
    ("variants", "field", "message"),
    [
        ([], "variants", "Add at least one variant."),
        ([{"target": "staging"}], "variants.0.target", "Choose a target"),
        ([{"target": "v9"}], "variants.0.target", "Bella has no version V9."),
        (
            [{"target": "live", "weight": 0}, {"target": "v1", "weight": 100}],
            "variants.0.weight",
            "1 to 100",
        ),
        ([{"target": "live", "weight": "x"}], "variants.0.weight", "whole percentage"),
        (
            [{"target": "live", "weight": 50.5}, {"target": "v1", "weight": 49.5}],
            "variants.0.weight",
            "whole",
        ),
        (
            [
                {"label": "A", "target": "live", "weight": 50},
                {"label": "a", "target": "v1", "weight": 50},
            ],
            "variants.1.label",
            "Two variants are called a.",
        ),
    ],
)
def test_it_refuses_bad_variants(cast, agent, variants, field, message):
    phone_number = _number(cast)
    with pytest.raises(InvalidInput) as error:
        number_assign(actor=cast.admin, phone_number=phone_number, agent=agent, variants=variants)
    assert message in error.value.errors[field]
    assert not NumberAssignment.objects.exists()


def test_it_moves_the_split_revision_only_when_the_split_changes(cast, agent):
    phone_number = _number(cast)
    split = [
        {"label": "Control", "target": "v1", "weight": 80},
        {"label": "Test", "target": "draft", "weight": 20},
    ]
    first = number_assign(actor=cast.admin, phone_number=phone_number, agent=agent, variants=split)
    assert first.split_revision == 1
    headers = {"X-A": "1"}
    second = number_assign(
        actor=cast.admin,
        phone_number=phone_number,
        agent=agent,
        variants=split,
        sip_headers=headers,
    )
    assert second.split_revision == 1
    split[0]["weight"], split[1]["weight"] = 70, 30
    third = number_assign(
        actor=cast.admin,
        phone_number=phone_number,
        agent=agent,
        variants=split,
        sip_headers=headers,
    )
    assert third.split_revision == 2
    reasons = list(third.history.values_list("history_change_reason", flat=True))
    assert reasons[0] == ("numbers.assign: Bella: Control V1 70%, Test Draft 30%; SIP headers X-A")
    assert len(reasons) == 3


def test_it_refuses_an_agent_of_another_workspace(cast, agent):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    phone_number = _number(cast)
    with pytest.raises(InvalidInput, match="Choose an agent of this workspace"):
        number_assign(
            actor=cast.admin, phone_number=phone_number, agent=theirs, variants=[{"target": "live"}]
        )


def test_it_updates_the_label_and_releases_with_history(cast, agent):
    phone_number = _number(cast)
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
    )
    number_update(actor=cast.admin, phone_number=phone_number, label="Production line")
    number_release(actor=cast.admin, phone_number=phone_number)
    assert not PhoneNumber.objects.exists()
    assert not NumberAssignment.objects.exists()
    reasons = list(
        PhoneNumber.history.filter(id=phone_number.pk).values_list(
            "history_type", "history_change_reason"
        )
    )
    assert reasons == [
        ("-", "numbers.release: +442079460958"),
        ("~", "numbers.update: Production line"),
        ("+", "numbers.create: +442079460958"),
    ]
    # Released numbers can be added again, by any workspace.
    number_create(actor=cast.outsider, workspace=cast.other_workspace, number="+442079460958")


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_weights_that_do_not_sum_to_100_at_commit(cast, agent):
    phone_number = _number(cast)
    assignment = number_assign(
        actor=cast.admin,
        phone_number=phone_number,
        agent=agent,
        variants=[
            {"label": "A", "target": "live", "weight": 60},
            {"label": "B", "target": "v1", "weight": 40},
        ],
    )
    variant = assignment.variants.get(label="A")
    variant.weight = 50
    with pytest.raises(IntegrityError, match="sum to 90, not 100"), transaction.atomic():
        variant.save()
    assert sorted(AssignmentVariant.objects.values_list("weight", flat=True)) == [40, 60]
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_two_admins_adding_the_same_number_at_once_one_wins(cast):
    import threading

    barrier = threading.Barrier(2)
    outcomes = []

    def add(actor, workspace):
        try:
            barrier.wait()
            number_create(actor=actor, workspace=workspace, number="+442079460958")
            outcomes.append("created")
        except InvalidInput as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(cast.admin, cast.workspace)),
        threading.Thread(target=add, args=(cast.outsider, cast.other_workspace)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["This number is already in use.", "created"]
    assert PhoneNumber.objects.count() == 1


@pytest.mark.parametrize("label", ["bad\x00label", "two\nlines"])
def test_it_refuses_control_characters_in_labels(cast, agent, label):
    with pytest.raises(InvalidInput, match="control characters"):
        number_create(
            actor=cast.admin, workspace=cast.workspace, number="+442079460958", label=label
        )
    phone_number = _number(cast)
    with pytest.raises(InvalidInput) as error:
        number_assign(
            actor=cast.admin,
            phone_number=phone_number,
            agent=agent,
            variants=[{"label": label, "target": "live"}],
        )
    assert "control characters" in error.value.errors["variants.0.label"]


# --- number_upsert (the Numbers API's PUT) ------------------------------------------------


def test_upsert_creates_then_updates_a_number_in_one_call(cast, agent):
    from telephony.services import number_upsert

    created_number, created = number_upsert(
        actor=cast.admin,
        workspace=cast.workspace,
        number="+44 20 7946 0958",
        agent_id=str(agent.pk),
        target="live",
        label="Main line",
    )
    assert created is True
    assert created_number.number == "+442079460958"
    assert created_number.assignment.variants.get().environment == "live"
    updated_number, created = number_upsert(
        actor=cast.admin,
        workspace=cast.workspace,
        number="+442079460958",
        agent_id=agent.pk,
        variants=[
            {"label": "A", "target": "live", "weight": 60},
            {"label": "B", "target": "draft", "weight": 40},
        ],
        label="Main line (split)",
    )
    assert created is False
    assert updated_number.pk == created_number.pk
    assert PhoneNumber.objects.get().label == "Main line (split)"
    assert [v.weight for v in NumberAssignment.objects.get().variants.all()] == [60, 40]


@pytest.mark.parametrize(
    ("actor", "arguments", "error", "message"),
    [
        ("ops", {"target": "live"}, NotAllowed, r"Only admins can do this\."),
        ("admin", {}, InvalidInput, r"Give a target or variants\."),
        (
            "admin",
            {"target": "live", "agent_id": "not-a-uuid"},
            InvalidInput,
            r"No agent with this id\.",
        ),
    ],
)
def test_upsert_refuses_before_writing_anything(cast, agent, actor, arguments, error, message):
    from telephony.services import number_upsert

    with pytest.raises(error, match=message):
        number_upsert(
            actor=cast.actor(actor),
            workspace=cast.workspace,
            number="+442079460958",
            **{"agent_id": agent.pk, **arguments},
        )
    assert not PhoneNumber.objects.exists()


def test_upsert_does_not_take_an_agent_of_another_workspace(cast, agent):
    from telephony.services import number_upsert

    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    with pytest.raises(InvalidInput, match=r"No agent with this id\."):
        number_upsert(
            actor=cast.admin,
            workspace=cast.workspace,
            number="+442079460958",
            agent_id=theirs.pk,
            target="live",
        )
    assert not PhoneNumber.objects.exists()
