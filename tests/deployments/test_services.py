"""The pipeline's rules (docs/pipeline.md), each refusal, who may do what, the history rows,
the database guarantees, and the rules under concurrent calls on real PostgreSQL."""

import contextlib
import itertools
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from agentbuilder.errors import InvalidInput, NotAllowed, RuleViolation
from agentbuilder.services import draft_save
from deployments.models import Deployment, DeploymentAction, Environment
from deployments.services import (
    deployment_promote,
    deployment_publish,
    deployment_rollback,
    deployment_undeploy,
)
from telephony import routing
from versions.models import Version

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------


def edit_draft(cast, agent, prompt: str):
    """Change the draft so that the next publish creates a new version."""
    agent.refresh_from_db()
    document = {
        **agent.draft_document,
        "behaviour": {**agent.draft_document["behaviour"], "systemPrompt": prompt},
    }
    return draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def publish_new(cast, agent, prompt: str, **kwargs):
    edit_draft(cast, agent, prompt)
    deployment, created = deployment_publish(actor=cast.builder, agent=agent, **kwargs)
    assert created
    return deployment


def pointers(agent) -> dict[str, object]:
    return {env.name: env.active_deployment_id for env in Environment.objects.filter(agent=agent)}


def snapshot(agent):
    """Everything a refused action must leave as it was."""
    agent.refresh_from_db()
    return (
        Deployment.objects.filter(agent=agent).count(),
        Version.objects.filter(agent=agent).count(),
        pointers(agent),
        agent.draft_sha256,
        agent.draft_revision,
    )


def active_version_number(agent, environment):
    env = Environment.objects.select_related("active_deployment__version").get(
        agent=agent, name=environment
    )
    return env.active_deployment.version.number if env.active_deployment else None


@pytest.fixture
def agent(cast):
    return cast.agent()


def assert_refused(agent, error_class, code, call):
    before = snapshot(agent)
    with pytest.raises(error_class) as caught:
        call()
    if code:
        assert caught.value.code == code
    assert snapshot(agent) == before
    return caught.value


# --- publish ---------------------------------------------------------------------------


def test_it_publishes_the_draft_as_v1_to_sandbox(cast, agent):
    deployment, created = deployment_publish(actor=cast.builder, agent=agent, message="First")
    assert created
    assert deployment.environment == "sandbox"
    assert deployment.action == DeploymentAction.PUBLISH
    assert deployment.sequence == 1
    assert deployment.version.number == 1
    assert deployment.message == "First"
    assert deployment.created_by == cast.users["builder"]
    assert deployment.previous_active is None
    assert pointers(agent)["sandbox"] == deployment.pk
    assert pointers(agent)["live"] is None


def test_it_returns_the_existing_deployment_when_the_unchanged_draft_is_already_active(cast, agent):
    first, _ = deployment_publish(actor=cast.builder, agent=agent)
    before = snapshot(agent)
    again, created = deployment_publish(actor=cast.builder, agent=agent, message="CI")
    assert not created
    assert again.pk == first.pk
    assert snapshot(agent) == before


def test_it_reuses_the_latest_version_when_the_unchanged_draft_is_not_active(cast, agent):
    publish_new(cast, agent, "one")
    v2 = publish_new(cast, agent, "two")
    deployment_rollback(actor=cast.ops, deployment=v2)
    assert active_version_number(agent, "sandbox") == 1
    again, created = deployment_publish(actor=cast.builder, agent=agent)
    assert created
    assert again.version_id == v2.version_id
    assert Version.objects.filter(agent=agent).count() == 2
    assert again.sequence == 4


def test_it_publishes_a_changed_draft_as_the_next_version(cast, agent):
    publish_new(cast, agent, "one")
    second = publish_new(cast, agent, "two", message="Second")
    assert second.version.number == 2
    assert second.previous_active.version.number == 1
    assert active_version_number(agent, "sandbox") == 2


def test_it_publishes_to_an_explicit_environment(cast, agent):
    deployment, _ = deployment_publish(actor=cast.builder, agent=agent, environment="pre-release")
    assert deployment.environment == "pre-release"
    assert pointers(agent)["sandbox"] is None


def test_it_refuses_a_builder_publishing_to_live(cast, agent):
    error = assert_refused(
        agent,
        NotAllowed,
        None,
        lambda: deployment_publish(actor=cast.builder, agent=agent, environment="live"),
    )
    assert "ops and admins" in error.message


def test_it_refuses_an_unknown_environment(cast, agent):
    assert_refused(
        agent,
        InvalidInput,
        "unknown_environment",
        lambda: deployment_publish(actor=cast.builder, agent=agent, environment="prod"),
    )


def test_it_refuses_a_message_that_is_too_long(cast, agent):
    error = assert_refused(
        agent,
        InvalidInput,
        "message_too_long",
        lambda: deployment_publish(actor=cast.builder, agent=agent, message="x" * 2001),
    )
    assert "message" in error.errors


def test_it_invalidates_routing_after_commit(
    cast, agent, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(routing, "invalidate_agent", calls.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deployment_publish(actor=cast.builder, agent=agent)
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [agent.pk]


# --- promote ---------------------------------------------------------------------------


def test_it_promotes_to_the_next_environment(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    promoted = deployment_promote(actor=cast.builder, deployment=sandbox, message="UAT")
    assert promoted.environment == "pre-release"
    assert promoted.action == DeploymentAction.PROMOTE
    assert promoted.source == sandbox
    assert promoted.version_id == sandbox.version_id
    assert promoted.sequence == 1
    assert pointers(agent)["pre-release"] == promoted.pk
    assert pointers(agent)["sandbox"] == sandbox.pk


def test_it_promotes_pre_release_to_live_when_confirmed(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    pre = deployment_promote(actor=cast.builder, deployment=sandbox)
    live = deployment_promote(actor=cast.ops, deployment=pre, confirmed=True)
    assert live.environment == "live"
    assert live.source == pre
    assert active_version_number(agent, "live") == 1


def test_it_promotes_to_an_explicit_later_environment(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    live = deployment_promote(
        actor=cast.ops, deployment=sandbox, target_environment="live", confirmed=True
    )
    assert live.environment == "live"
    assert pointers(agent)["pre-release"] is None


def test_it_refuses_an_unconfirmed_promotion_to_live(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    pre = deployment_promote(actor=cast.builder, deployment=sandbox)
    error = assert_refused(
        agent,
        RuleViolation,
        "confirmation_required",
        lambda: deployment_promote(actor=cast.ops, deployment=pre),
    )
    assert "I understand and wish to continue" in error.message


def test_it_refuses_to_promote_from_live(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    live = deployment_promote(
        actor=cast.ops, deployment=sandbox, target_environment="live", confirmed=True
    )
    assert_refused(
        agent,
        RuleViolation,
        "promote_from_live",
        lambda: deployment_promote(actor=cast.ops, deployment=live, confirmed=True),
    )


@pytest.mark.parametrize("target", ["sandbox", "pre-release"])
def test_it_refuses_to_promote_to_an_earlier_or_the_same_environment(cast, agent, target):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    pre = deployment_promote(actor=cast.builder, deployment=sandbox)
    assert_refused(
        agent,
        RuleViolation,
        "promote_backwards",
        lambda: deployment_promote(actor=cast.ops, deployment=pre, target_environment=target),
    )


def test_it_refuses_an_unknown_target_environment(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    assert_refused(
        agent,
        InvalidInput,
        "unknown_environment",
        lambda: deployment_promote(
            actor=cast.ops, deployment=sandbox, target_environment="staging"
        ),
    )


def test_it_refuses_a_builder_promoting_to_live(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    pre = deployment_promote(actor=cast.builder, deployment=sandbox)
    error = assert_refused(
        agent,
        NotAllowed,
        "forbidden",
        lambda: deployment_promote(actor=cast.builder, deployment=pre, confirmed=True),
    )
    assert error.message == "Only ops and admins can promote to Live."


def test_it_refuses_to_promote_a_version_already_active_in_the_target(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    deployment_promote(actor=cast.builder, deployment=sandbox)
    error = assert_refused(
        agent,
        RuleViolation,
        "already_active",
        lambda: deployment_promote(actor=cast.builder, deployment=sandbox),
    )
    assert error.message == "V1 is already active in Pre-release."


def test_it_refuses_to_promote_an_undeploy_record(cast, agent):
    deployment_publish(actor=cast.builder, agent=agent)
    undeploy = deployment_undeploy(actor=cast.ops, agent=agent, environment="sandbox")
    assert_refused(
        agent,
        RuleViolation,
        "not_promotable",
        lambda: deployment_promote(actor=cast.ops, deployment=undeploy),
    )


def test_it_promotes_an_older_record_with_its_own_version(cast, agent):
    v1 = publish_new(cast, agent, "one")
    publish_new(cast, agent, "two")
    promoted = deployment_promote(actor=cast.builder, deployment=v1)
    assert promoted.version.number == 1
    assert active_version_number(agent, "pre-release") == 1


# --- rollback --------------------------------------------------------------------------


def test_it_rolls_the_active_deployment_back_to_the_previous_different_version(cast, agent):
    publish_new(cast, agent, "one")
    v2 = publish_new(cast, agent, "two")
    # Republishing V2 after a rollback puts a second V2 record on top of the line.
    deployment_rollback(actor=cast.ops, deployment=v2)
    v2_again, _ = deployment_publish(actor=cast.builder, agent=agent)
    assert v2_again.version_id == v2.version_id
    rollback = deployment_rollback(actor=cast.ops, deployment=v2_again, message="bad prompt")
    assert rollback.action == DeploymentAction.ROLLBACK
    assert rollback.version.number == 1
    assert rollback.message == "bad prompt"
    assert rollback.previous_active == v2_again
    assert pointers(agent)["sandbox"] == rollback.pk


def test_it_walks_past_records_of_the_same_version(cast, agent):
    v1 = publish_new(cast, agent, "one")
    v2 = publish_new(cast, agent, "two")
    # Sandbox line: V1, V2, rollback->V1, rollback(older V2)->V2. Active is V2 whose
    # previous_active is the V1 rollback; walking back must land on V1, not stay on V2.
    back_to_1 = deployment_rollback(actor=cast.ops, deployment=v2)
    again_2 = deployment_rollback(actor=cast.ops, deployment=v2)
    assert again_2.version.number == 2
    assert again_2.previous_active == back_to_1
    result = deployment_rollback(actor=cast.ops, deployment=again_2)
    assert result.version_id == v1.version_id


def test_it_rolls_back_to_an_older_record_s_version(cast, agent):
    v1 = publish_new(cast, agent, "one")
    publish_new(cast, agent, "two")
    publish_new(cast, agent, "three")
    rollback = deployment_rollback(actor=cast.ops, deployment=v1)
    assert rollback.version.number == 1
    assert rollback.source == v1
    assert rollback.sequence == 4
    assert active_version_number(agent, "sandbox") == 1


def test_it_refuses_a_rollback_with_nothing_to_roll_back_to(cast, agent):
    only, _ = deployment_publish(actor=cast.builder, agent=agent)
    error = assert_refused(
        agent,
        RuleViolation,
        "nothing_to_roll_back_to",
        lambda: deployment_rollback(actor=cast.ops, deployment=only),
    )
    assert "Sandbox" in error.message


def test_it_refuses_a_rollback_when_every_earlier_record_has_the_same_version(cast, agent):
    first, _ = deployment_publish(actor=cast.builder, agent=agent)
    deployment_undeploy(actor=cast.ops, agent=agent, environment="sandbox")
    again = deployment_rollback(actor=cast.ops, deployment=first)
    assert again.version_id == first.version_id
    assert_refused(
        agent,
        RuleViolation,
        "nothing_to_roll_back_to",
        lambda: deployment_rollback(actor=cast.ops, deployment=again),
    )


def test_it_refuses_rolling_back_to_the_version_already_active(cast, agent):
    v1 = publish_new(cast, agent, "one")
    publish_new(cast, agent, "two")
    deployment_rollback(actor=cast.ops, deployment=v1)
    error = assert_refused(
        agent,
        RuleViolation,
        "already_active",
        lambda: deployment_rollback(actor=cast.ops, deployment=v1),
    )
    assert error.message == "V1 is already active in Sandbox."


def test_it_refuses_rolling_back_to_an_undeploy_record(cast, agent):
    deployment_publish(actor=cast.builder, agent=agent)
    undeploy = deployment_undeploy(actor=cast.ops, agent=agent, environment="sandbox")
    assert_refused(
        agent,
        RuleViolation,
        "not_rollbackable",
        lambda: deployment_rollback(actor=cast.ops, deployment=undeploy),
    )


def test_it_refuses_a_builder_rolling_back(cast, agent):
    publish_new(cast, agent, "one")
    v2 = publish_new(cast, agent, "two")
    error = assert_refused(
        agent,
        NotAllowed,
        "forbidden",
        lambda: deployment_rollback(actor=cast.builder, deployment=v2),
    )
    assert error.message == "Only ops and admins can do this."


def test_it_never_touches_the_draft_on_rollback(cast, agent):
    publish_new(cast, agent, "one")
    v2 = publish_new(cast, agent, "two")
    edit_draft(cast, agent, "three, unpublished")
    agent.refresh_from_db()
    draft = (agent.draft_sha256, agent.draft_revision, agent.draft_document)
    deployment_rollback(actor=cast.ops, deployment=v2)
    agent.refresh_from_db()
    assert (agent.draft_sha256, agent.draft_revision, agent.draft_document) == draft


def test_it_restores_an_older_version_after_an_undeploy(cast, agent):
    v1 = publish_new(cast, agent, "one")
    deployment_undeploy(actor=cast.ops, agent=agent, environment="sandbox")
    rollback = deployment_rollback(actor=cast.ops, deployment=v1)
    assert pointers(agent)["sandbox"] == rollback.pk
    assert rollback.previous_active is None


def test_it_does_not_roll_back_across_an_undeploy(cast, agent):
    """After an undeploy the line starts afresh: nothing was active before the next
    deployment, so rolling *it* back is refused (an older record can still be restored)."""
    v1 = publish_new(cast, agent, "one")
    deployment_undeploy(actor=cast.ops, agent=agent, environment="sandbox")
    v2 = publish_new(cast, agent, "two")
    assert_refused(
        agent,
        RuleViolation,
        "nothing_to_roll_back_to",
        lambda: deployment_rollback(actor=cast.ops, deployment=v2),
    )
    assert deployment_rollback(actor=cast.ops, deployment=v1).version.number == 1


# --- undeploy --------------------------------------------------------------------------


def _to_live(cast, agent):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    return deployment_promote(
        actor=cast.ops, deployment=sandbox, target_environment="live", confirmed=True
    )


def test_it_undeploys_live(cast, agent):
    live = _to_live(cast, agent)
    undeploy = deployment_undeploy(actor=cast.ops, agent=agent, message="incident 42")
    assert undeploy.environment == "live"
    assert undeploy.action == DeploymentAction.UNDEPLOY
    assert undeploy.version_id == live.version_id
    assert undeploy.source == live
    assert undeploy.previous_active == live
    assert pointers(agent)["live"] is None
    assert pointers(agent)["sandbox"] is not None


def test_it_undeploys_any_environment(cast, agent):
    deployment_publish(actor=cast.builder, agent=agent)
    deployment_undeploy(actor=cast.admin, agent=agent, environment="sandbox")
    assert pointers(agent)["sandbox"] is None


def test_it_refuses_to_undeploy_an_empty_environment(cast, agent):
    error = assert_refused(
        agent,
        RuleViolation,
        "nothing_deployed",
        lambda: deployment_undeploy(actor=cast.ops, agent=agent),
    )
    assert error.message == "Nothing is deployed in Live."


def test_it_refuses_a_builder_undeploying(cast, agent):
    _to_live(cast, agent)
    assert_refused(
        agent, NotAllowed, "forbidden", lambda: deployment_undeploy(actor=cast.builder, agent=agent)
    )


def test_it_promotes_to_live_again_after_an_undeploy(cast, agent):
    live = _to_live(cast, agent)
    deployment_undeploy(actor=cast.ops, agent=agent)
    again = deployment_promote(
        actor=cast.ops, deployment=live.source, target_environment="live", confirmed=True
    )
    assert again.sequence == 3
    assert again.previous_active is None
    assert pointers(agent)["live"] == again.pk


# --- who may do what ---------------------------------------------------------------------

ALLOWED = {
    # action: roles that may do it
    "publish-sandbox": {"builder", "ops", "admin"},
    "promote-pre-release": {"builder", "ops", "admin"},
    "promote-live": {"ops", "admin"},
    "rollback": {"ops", "admin"},
    "undeploy": {"ops", "admin"},
}


def _perform(cast, agent, action, actor):
    if action == "publish-sandbox":
        edit_draft(cast, agent, "changed")
        return deployment_publish(actor=actor, agent=agent)
    sandbox = Deployment.objects.get(agent=agent, environment="sandbox", sequence=2)
    if action == "promote-pre-release":
        return deployment_promote(actor=actor, deployment=sandbox)
    if action == "promote-live":
        return deployment_promote(
            actor=actor, deployment=sandbox, target_environment="live", confirmed=True
        )
    if action == "rollback":
        return deployment_rollback(actor=actor, deployment=sandbox)
    return deployment_undeploy(actor=actor, agent=agent, environment="sandbox")


@pytest.mark.parametrize("role", ["builder", "ops", "admin"])
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_it_lets_each_role_do_exactly_what_the_policy_allows(cast, agent, role, action):
    publish_new(cast, agent, "one")
    publish_new(cast, agent, "two")
    actor = cast.actor(role)
    if role in ALLOWED[action]:
        before = Deployment.objects.filter(agent=agent).count()
        _perform(cast, agent, action, actor)
        assert Deployment.objects.filter(agent=agent).count() == before + 1
    else:
        assert_refused(agent, NotAllowed, "forbidden", lambda: _perform(cast, agent, action, actor))


# --- history -------------------------------------------------------------------------------


def test_it_records_each_action_in_the_history_with_reason_and_user(cast, agent):
    sandbox = publish_new(cast, agent, "one", message="first cut")
    pre = deployment_promote(actor=cast.builder, deployment=sandbox, message="to UAT")
    live = deployment_promote(actor=cast.ops, deployment=pre, confirmed=True, message="go")
    publish_new(cast, agent, "two")
    deployment_rollback(actor=cast.ops, deployment=sandbox, message="revert")
    deployment_undeploy(actor=cast.admin, agent=agent, message="incident")

    historical = Deployment.history.filter(agent=agent).order_by("history_date")
    rows = [(h.history_change_reason, h.history_user.username, h.history_type) for h in historical]
    assert rows == [
        ("deployments.publish: first cut", "builder", "+"),
        ("deployments.promote: to UAT", "builder", "+"),
        ("deployments.promote: go", "ops", "+"),
        ("deployments.publish", "builder", "+"),
        ("deployments.rollback: revert", "ops", "+"),
        ("deployments.undeploy: incident", "admin", "+"),
    ]
    live_history = Environment.history.filter(agent=agent, name="live").order_by("history_date")
    assert [(h.history_change_reason, h.active_deployment_id) for h in live_history] == [
        ("agents.create", None),
        ("deployments.promote: go", live.pk),
        ("deployments.undeploy: incident", None),
    ]
    assert live_history.last().history_user == cast.users["admin"]


def test_it_attributes_api_key_actions_to_the_key_user(cast, agent):
    from agentbuilder.actors import Actor
    from api.services import api_key_create

    api_key, _ = api_key_create(actor=None, workspace=cast.workspace, name="ci", role="ops")
    actor = Actor(user=api_key.user, role="ops", api_key_name="ci")
    deployment, _ = deployment_publish(actor=actor, agent=agent)
    assert deployment.created_by == api_key.user
    assert Deployment.history.get(id=deployment.pk).history_user == api_key.user


# --- the database guarantees ---------------------------------------------------------------


def test_the_database_keeps_each_environment_s_history_a_single_line(cast, agent):
    first, _ = deployment_publish(actor=cast.builder, agent=agent)
    duplicate = Deployment(
        agent=agent,
        environment="sandbox",
        sequence=first.sequence,
        version=first.version,
        action=DeploymentAction.PUBLISH,
        created_by=cast.users["builder"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_database_allows_one_pointer_per_agent_and_environment(cast, agent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Environment.objects.create(agent=agent, name="live")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE deployments_deployment SET message = 'rewritten' WHERE id = %s",
        "DELETE FROM deployments_deployment WHERE id = %s",
    ],
)
def test_the_database_rejects_changes_to_deployment_records(cast, agent, sql):
    deployment, _ = deployment_publish(actor=cast.builder, agent=agent, message="original")
    with (
        pytest.raises(DatabaseError, match="not allowed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [deployment.pk])
    deployment.refresh_from_db()
    assert deployment.message == "original"


# --- concurrency on real PostgreSQL ----------------------------------------------------------


def _run_in_threads(calls, workers=25):
    """Run callables in threads that start together; return their outcomes."""
    barrier = threading.Barrier(min(workers, len(calls)), timeout=30)

    def run(call):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
            return ("ok", call())
        except Exception as error:  # collected and asserted by the caller
            return ("error", error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def assert_consistent(agent):
    for environment in ("sandbox", "pre-release", "live"):
        line = list(
            Deployment.objects.filter(agent=agent, environment=environment).order_by("sequence")
        )
        assert [d.sequence for d in line] == list(range(1, len(line) + 1)), environment
        # Each record saw the record before it as the active one (None after an undeploy).
        for before, after in itertools.pairwise(line):
            expected = None if before.action == DeploymentAction.UNDEPLOY else before.pk
            assert after.previous_active_id == expected, (environment, after.sequence)
        pointer = Environment.objects.get(agent=agent, name=environment).active_deployment_id
        if not line or line[-1].action == DeploymentAction.UNDEPLOY:
            assert pointer is None, environment
        else:
            assert pointer == line[-1].pk, environment
    assert (
        Deployment.history.filter(agent=agent).count()
        == Deployment.objects.filter(agent=agent).count()
    )


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_promote_rollback_publish_calls_leave_a_consistent_state(cast):
    agent = cast.agent()
    seeds = [publish_new(cast, agent, f"prompt {n}") for n in range(3)]
    seeds.append(deployment_promote(actor=cast.ops, deployment=seeds[0]))
    seeds.append(
        deployment_promote(
            actor=cast.ops, deployment=seeds[1], target_environment="live", confirmed=True
        )
    )
    chooser = random.Random(4)

    def make_call(n):
        kind = ("publish", "promote", "rollback", "undeploy", "promote", "rollback")[n % 6]
        target = chooser.choice(seeds)
        environment = chooser.choice(["sandbox", "pre-release", "live"])
        if kind == "publish":
            return lambda: deployment_publish(actor=cast.ops, agent=agent, environment=environment)
        if kind == "promote":
            return lambda: deployment_promote(actor=cast.ops, deployment=target, confirmed=True)
        if kind == "rollback":
            return lambda: deployment_rollback(actor=cast.ops, deployment=target)
        return lambda: deployment_undeploy(actor=cast.ops, agent=agent, environment=environment)

    outcomes = _run_in_threads([make_call(n) for n in range(50)])
    unexpected = [o for kind, o in outcomes if kind == "error" and not isinstance(o, RuleViolation)]
    assert unexpected == []
    assert sum(1 for kind, _ in outcomes if kind == "ok") > 0
    assert_consistent(agent)


@pytest.mark.django_db(transaction=True)
def test_concurrent_promotions_of_one_deployment_produce_one_record(cast):
    agent = cast.agent()
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    outcomes = _run_in_threads(
        [lambda: deployment_promote(actor=cast.builder, deployment=sandbox)] * 12, workers=12
    )
    succeeded = [o for kind, o in outcomes if kind == "ok"]
    refused = [o for kind, o in outcomes if kind == "error"]
    assert len(succeeded) == 1
    assert all(isinstance(e, RuleViolation) and e.code == "already_active" for e in refused)
    assert Deployment.objects.filter(agent=agent, environment="pre-release").count() == 1
    assert_consistent(agent)
