"""Parallel promote / rollback through the API, in real threads on PostgreSQL."""

import itertools
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from deployments.models import Deployment, Environment
from deployments.services import deployment_publish
from tests.api.test_api_deployments import edit, url

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(requests):
    """Send each (path, key, body, headers) from its own thread with its own client, all
    released at once; returns the responses in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def worker(index, path, key, body, headers):
        try:
            client = Client()
            barrier.wait(timeout=10)
            results[index] = client.post(
                path,
                data=body,
                content_type="application/json",
                headers={"x-api-key": key, **headers},
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def assert_consistent_lines(agent):
    """Every environment's records are numbered 1..n, each record's previous is the
    record before it, and the pointer is the last record (or None after an undeploy)."""
    for environment in Environment.objects.filter(agent=agent):
        records = list(
            Deployment.objects.filter(agent=agent, environment=environment.name).order_by(
                "sequence"
            )
        )
        assert [r.sequence for r in records] == list(range(1, len(records) + 1))
        for before, after in itertools.pairwise(records):
            assert after.previous_active_id == before.pk
        if records:
            assert environment.active_deployment_id == records[-1].pk


def test_it_keeps_parallel_promotes_and_rollbacks_consistent(cast, api_key_for):
    key = api_key_for("ops")
    agent = cast.agent()
    _v1, _ = deployment_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "second")
    v2, _ = deployment_publish(actor=cast.builder, agent=agent)
    requests = []
    for index in range(8):
        if index % 2:
            requests.append((url(agent, f"/deployments/{v2.pk}/rollback"), key, "{}", {}))
        else:
            target = "pre-release" if index % 4 else "live"
            body = f'{{"targetEnvironment": "{target}"}}'
            requests.append((url(agent, f"/deployments/{v2.pk}/promote"), key, body, {}))
    responses = run_in_threads(requests)
    statuses = Counter(response.status_code for response in responses)
    assert set(statuses) <= {200, 409}, statuses
    # The first promote to each environment wins; later ones find the version active.
    promotes = [r for r, q in zip(responses, requests, strict=True) if "promote" in q[0]]
    assert sum(r.status_code == 200 for r in promotes) == 2
    for response in responses:
        body = response.json()
        assert ("deployment" in body) if response.status_code == 200 else ("error" in body)
    assert_consistent_lines(agent)
    assert Environment.objects.get(agent=agent, name="live").active_deployment.version_id == (
        v2.version_id
    )


def test_it_runs_a_retried_post_once_under_a_race(cast, api_key_for):
    key = api_key_for("ops")
    agent = cast.agent()
    requests = [
        (
            url(agent, "/deployments/publish"),
            key,
            '{"deploymentMessage": "race"}',
            {"Idempotency-Key": "same-retry"},
        )
        for _ in range(4)
    ]
    responses = run_in_threads(requests)
    assert [r.status_code for r in responses] == [200] * 4
    ids = {r.json()["deployment"]["id"] for r in responses}
    assert len(ids) == 1
    assert Deployment.objects.filter(agent=agent).count() == 1
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == 3
