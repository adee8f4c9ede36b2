"""Versions are immutable, numbered without gaps under concurrency, cheap to publish however
big, and restore to exactly the document they froze."""

import itertools
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentbuilder.config import document_sha256, validate_document
from agentbuilder.demo import ACME, RESTAURANT, UTILITY
from agentbuilder.errors import StaleRevision
from agentbuilder.models import Agent
from agentbuilder.services import draft_save
from deployments.services import deployment_publish
from versions.models import Version, VersionIsImmutable
from versions.services import version_publish, version_restore

# --- Immutability --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_delete_a_version(cast):
    agent = cast.agent()
    version, _ = version_publish(actor=cast.builder, agent=agent, name="One")
    version.name = "Renamed"
    with pytest.raises(VersionIsImmutable):
        version.save()
    with pytest.raises(VersionIsImmutable):
        version.delete()
    assert Version.objects.get(pk=version.pk).name == "One"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE versions_version SET name = 'hacked' WHERE id = %s",
        "UPDATE versions_version SET document = '{}'::jsonb WHERE id = %s",
        "DELETE FROM versions_version WHERE id = %s",
    ],
)
def test_the_database_rejects_raw_update_and_delete(cast, sql):
    assert connection.vendor == "postgresql"
    agent = cast.agent()
    version, _ = version_publish(actor=cast.builder, agent=agent, name="One")
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [version.pk])
    stored = Version.objects.get(pk=version.pk)
    assert stored.name == "One"
    assert stored.document == agent.draft_document


@pytest.mark.django_db
def test_the_database_rejects_queryset_update(cast):
    agent = cast.agent()
    version_publish(actor=cast.builder, agent=agent)
    with pytest.raises(DatabaseError), transaction.atomic():
        Version.objects.filter(agent=agent).update(name="bulk")
    assert Version.objects.get(agent=agent).name == "Version 1"


# --- Concurrency ---------------------------------------------------------------------

THREADS = 6


def _run_threads(target):
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run(i):
        try:
            barrier.wait(timeout=30)
            target(i)
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_of_different_drafts_get_gapless_unique_numbers(cast):
    agent = cast.agent()
    actor = cast.builder

    def save_and_publish(i):
        for _attempt in range(50):
            current = Agent.objects.get(pk=agent.pk)
            document = {**current.draft_document, "behaviour": {"systemPrompt": f"thread {i}"}}
            try:
                with transaction.atomic():
                    saved = draft_save(
                        actor=actor,
                        agent=current,
                        document=document,
                        base_revision=current.draft_revision,
                    )
                    deployment_publish(actor=actor, agent=saved, version_name=f"t{i}")
                return
            except StaleRevision:
                continue
        raise AssertionError("never got a turn")

    _run_threads(save_and_publish)
    numbers = sorted(Version.objects.filter(agent=agent).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    prompts = {v.document["behaviour"]["systemPrompt"] for v in Version.objects.filter(agent=agent)}
    assert prompts == {f"thread {i}" for i in range(THREADS)}


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_of_one_draft_create_exactly_one_version(cast):
    agent = cast.agent()
    actor = cast.builder
    _run_threads(lambda i: deployment_publish(actor=actor, agent=agent, version_name=f"t{i}"))
    assert list(Version.objects.filter(agent=agent).values_list("number", flat=True)) == [1]


# --- Query count ---------------------------------------------------------------------


def big_document(name="Big"):
    flow = {
        "start": "a",
        "steps": [
            {"id": "a", "prompt": "Hello", "transitions": [{"to": "b", "condition": "yes"}]},
            {"id": "b", "prompt": "Bye"},
        ],
    }
    return {
        "profile": {"name": name},
        "behaviour": {"systemPrompt": "p" * 100_000},
        "functions": [
            {
                "id": f"fn_{i:06d}",
                "name": f"function_{i}",
                "description": "Looks something up.",
                "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
                "endpoint": {"method": "POST", "url": f"https://api.example.com/{i}"},
            }
            for i in range(500)
        ],
        "variables": [
            {"id": f"var_{i:06d}", "name": f"variable_{i}", "type": "number", "default": i}
            for i in range(200)
        ],
        "flows": [
            {"id": f"flow_{i:06d}", "name": f"flow_{i}", "definition": flow} for i in range(50)
        ],
    }


@pytest.mark.django_db
def test_publishing_a_huge_agent_takes_as_many_queries_as_a_tiny_one(cast):
    tiny = cast.agent("Tiny")
    big = cast.agent("Big", document=big_document())
    assert len(big.draft_document["functions"]) == 500
    with CaptureQueriesContext(connection) as tiny_queries:
        deployment_publish(actor=cast.builder, agent=tiny, version_name="tiny")
    with CaptureQueriesContext(connection) as big_queries:
        deployment_publish(actor=cast.builder, agent=big, version_name="big")
    assert len(big_queries.captured_queries) == len(tiny_queries.captured_queries)
    assert Version.objects.get(agent=big).document == big.draft_document


# --- Canonical round-trip ------------------------------------------------------------


def round_trip(cast, agent):
    """Publish, change the draft, restore the version: return (version, restored agent)."""
    version, _ = version_publish(actor=cast.builder, agent=agent)
    current = Agent.objects.get(pk=agent.pk)
    changed = {**current.draft_document, "behaviour": {"systemPrompt": "something else"}}
    changed["profile"] = {**changed["profile"], "description": "changed"}
    current = draft_save(
        actor=cast.builder, agent=current, document=changed, base_revision=current.draft_revision
    )
    version_restore(
        actor=cast.builder,
        version=Version.objects.get(pk=version.pk),
        base_revision=current.draft_revision,
    )
    return Version.objects.get(pk=version.pk), Agent.objects.get(pk=agent.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("demo", [RESTAURANT, UTILITY, ACME], ids=["restaurant", "utility", "acme"])
def test_demo_agents_round_trip_through_a_version(cast, demo):
    agent = cast.agent(demo["profile"]["name"], document=demo)
    version, restored = round_trip(cast, agent)
    canonical = validate_document(demo)
    assert version.document == canonical
    assert restored.draft_document == canonical
    assert document_sha256(restored.draft_document) == version.sha256 == restored.draft_sha256
    assert validate_document(restored.draft_document) == restored.draft_document


NAMES = itertools.count()
identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
unit = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def configs(draw):
    variable_names = draw(st.lists(identifiers, max_size=5, unique=True))
    variables = []
    for i, name in enumerate(variable_names):
        kind = draw(st.sampled_from(["string", "number", "boolean"]))
        default = draw(
            {
                "string": st.none() | texts,
                "number": st.none() | st.integers(-1000, 1000) | unit,
                "boolean": st.none() | st.booleans(),
            }[kind]
        )
        variables.append({"id": f"var_{i:04d}", "name": name, "type": kind, "default": default})
    kb_names = draw(st.lists(identifiers, max_size=3, unique=True))
    return {
        "profile": {
            "name": "Generated",
            "description": draw(texts),
            "language": draw(st.sampled_from(["en-GB", "fr-FR", "ja-JP"])),
        },
        "behaviour": {"systemPrompt": draw(texts), "welcomeMessage": draw(texts)},
        "model": {
            "temperature": draw(st.floats(min_value=0, max_value=2, allow_nan=False)),
            "maxTokens": draw(st.integers(1, 32_000)),
        },
        "timing": {"vadSensitivity": draw(unit), "allowInterruptions": draw(st.booleans())},
        "backgroundSound": {"sound": "office", "volume": draw(unit)},
        "variables": draw(st.permutations(variables)),
        "knowledgeBases": [
            {"id": f"kb_{i:04d}", "name": name, "retrieval": {"topK": draw(st.integers(1, 50))}}
            for i, name in enumerate(kb_names)
        ],
    }


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=configs())
def test_generated_configs_round_trip_through_a_version(cast, document):
    name = f"Generated {next(NAMES)}"
    agent = cast.agent(name, document=document)
    version, restored = round_trip(cast, agent)
    canonical = validate_document({**document, "profile": {**document["profile"], "name": name}})
    assert restored.draft_document == canonical
    assert version.document == canonical
    assert document_sha256(restored.draft_document) == version.sha256 == restored.draft_sha256
