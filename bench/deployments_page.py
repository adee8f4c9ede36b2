"""Render time of an agent's Deployments page with 10 and with 10,000 deployments.

Usage: DATABASE_URL=postgres://... python bench/deployments_page.py [--repeat 20]

Builds a throwaway test database (like the test suite), creates two agents with 10 and
10,000 Sandbox deployments (bulk_create: this measures reading, not writing), then renders
each agent's page as an ops member and prints the median time, the query count and the
ratio of the large page to the small one (the baseline measured in the same run), plus
a 25-deployment agent: a full page of rows, so the table size is the only difference.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agentbuilder.settings")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402


def make_agent(name, count, workspace, actor):
    from agentbuilder.services import agent_create
    from deployments.models import Deployment, Environment
    from versions.models import Version

    agent = agent_create(actor=actor, workspace=workspace, name=name)
    versions = Version.objects.bulk_create(
        Version(
            agent=agent,
            number=n,
            name=f"Version {n}",
            author=actor.user,
            document=agent.draft_document,
            sha256=agent.draft_sha256,
        )
        for n in range(1, count + 1)
    )
    deployments = Deployment.objects.bulk_create(
        (
            Deployment(
                agent=agent,
                environment="sandbox",
                sequence=n,
                version=version,
                action="publish",
                message=f"Deployment {n}",
                created_by=actor.user,
            )
            for n, version in enumerate(versions, start=1)
        ),
        batch_size=2000,
    )
    environment = Environment.objects.get(agent=agent, name="sandbox")
    environment.active_deployment = deployments[-1]
    environment.save()
    return agent


def count_queries(client, url):
    client.get(url)  # warm up: templates, content types, session
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for query in queries.captured_queries:
            print(f"    {query['time']}s {query['sql'][:140]}")
    return len(queries)


def median_times(client, urls, repeat):
    """Median seconds per URL; the URLs take turns so that load from other processes on
    the machine hits every case alike."""
    timings = {url: [] for url in urls}
    for _ in range(repeat):
        for url in urls:
            started = time.perf_counter()
            client.get(url)
            timings[url].append(time.perf_counter() - started)
    return {url: statistics.median(values) for url, values in timings.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from agentbuilder.actors import Actor
    from agentbuilder.services import membership_set, user_create, workspace_create

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        workspace = workspace_create(name="Bench", slug="bench")
        user = user_create(username="bench-ops", password=None)
        membership_set(workspace=workspace, user=user, role="ops")
        actor = Actor(user=user, role="ops")
        small = make_agent("Ten", 10, workspace, actor)
        full_page = make_agent("Twenty-five", 25, workspace, actor)
        large = make_agent("Ten thousand", 10_000, workspace, actor)
        with connection.cursor() as cursor:
            # What autovacuum would do soon after the rows arrive: give the planner stats.
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(user)
        cases = [("10", small), ("25", full_page), ("10,000", large)]
        urls = {label: reverse("deployments:agent", args=[agent.pk]) for label, agent in cases}
        queries = {label: count_queries(client, url) for label, url in urls.items()}
        medians = median_times(client, list(urls.values()), args.repeat)
        seconds = {label: medians[url] for label, url in urls.items()}
        for label, _ in cases:
            print(
                f"{label:>7} deployments: {seconds[label] * 1000:7.1f} ms median of "
                f"{args.repeat}, {queries[label]} queries"
            )
        print(
            f"ratio 10,000 / 10: {seconds['10,000'] / seconds['10']:.2f}x time, "
            f"queries {queries['10,000']} vs {queries['10']}"
        )
        # 10 deployments render 10 rows, 10,000 a full page of 25: against a full page
        # of 25 the table size is the only difference.
        print(
            f"ratio 10,000 / 25 (both a full page): {seconds['10,000'] / seconds['25']:.2f}x time"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
