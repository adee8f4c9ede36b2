"""The opening every draft transition shares (agentbuilder.services.draft_open): restore and
discard validate the document they write, like a save does."""

import pytest

from agentbuilder.config import document_sha256
from agentbuilder.demo import RESTAURANT
from agentbuilder.errors import InvalidInput, NotAllowed, StaleRevision
from agentbuilder.models import Agent
from agentbuilder.services import draft_save
from versions.models import Version
from versions.services import draft_discard, version_publish, version_restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(cast):
    return cast.agent("Bella", document=RESTAURANT)


def edit(cast, agent, prompt):
    agent = Agent.objects.get(pk=agent.pk)
    document = {**agent.draft_document, "behaviour": {"systemPrompt": prompt}}
    return draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def invalid_version(agent, number):
    """A version written by an older release whose document today's schema refuses."""
    document = {**agent.draft_document, "model": {"temperature": 9}}
    version = Version(
        agent=agent,
        number=number,
        name="From an older schema",
        document=document,
        sha256=document_sha256(document),
    )
    version.save()
    return version


def test_restore_refuses_a_document_the_schema_refuses_and_changes_nothing(cast, agent):
    version = invalid_version(agent, 1)
    before = Agent.objects.get(pk=agent.pk)
    with pytest.raises(InvalidInput) as refused:
        version_restore(actor=cast.builder, version=version)
    assert "model.temperature" in refused.value.errors
    after = Agent.objects.get(pk=agent.pk)
    assert (after.draft_revision, after.draft_sha256) == (
        before.draft_revision,
        before.draft_sha256,
    )
    assert (
        Agent.history.filter(id=agent.pk, history_change_reason__startswith="versions.").count()
        == 0
    )


def test_discard_refuses_a_latest_version_the_schema_refuses(cast, agent):
    invalid_version(agent, 1)
    edit(cast, agent, "Changed")
    before = Agent.objects.get(pk=agent.pk)
    with pytest.raises(InvalidInput):
        draft_discard(actor=cast.builder, agent=before, base_revision=before.draft_revision)
    assert Agent.objects.get(pk=agent.pk).draft_sha256 == before.draft_sha256


def test_every_transition_refuses_a_stale_revision_the_same_way(cast, agent):
    version, _ = version_publish(actor=cast.builder, agent=agent, name="First")
    stale = Agent.objects.get(pk=agent.pk).draft_revision
    agent = edit(cast, agent, "Someone else's change")
    transitions = [
        lambda: draft_save(
            actor=cast.builder, agent=agent, document=agent.draft_document, base_revision=stale
        ),
        lambda: draft_discard(actor=cast.builder, agent=agent, base_revision=stale),
        lambda: version_restore(actor=cast.builder, version=version, base_revision=stale),
        lambda: version_publish(actor=cast.builder, agent=agent, base_revision=stale),
    ]
    for transition in transitions:
        with pytest.raises(StaleRevision, match="Changed by builder at"):
            transition()
    assert Version.objects.filter(agent=agent).count() == 1


def test_a_role_without_the_permission_is_refused_before_anything_is_read(cast, agent):
    from agentbuilder.actors import Actor

    nobody = Actor(user=cast.users["builder"], role="nobody")
    with pytest.raises(NotAllowed):
        draft_discard(actor=nobody, agent=agent)
    with pytest.raises(NotAllowed):
        version_publish(actor=nobody, agent=agent)
