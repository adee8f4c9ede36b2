"""How long publishing a large agent takes, next to a raw INSERT of the same JSON document.

    python bench/publish.py [--runs 9]

Creates its own PostgreSQL database (console_bench_publish, on the server of DATABASE_URL or
127.0.0.1:5432 as postgres), migrates it, builds an agent with 500 functions, 200 variables,
50 flows and a 100 KB prompt, and publishes it --runs times through
`deployments.services.deployment_publish` (the Publish button's service: a new version,
deployed to Sandbox), changing one word of the draft between runs (untimed). The baseline
is one INSERT of the same canonical document into a jsonb column through psycopg, committed,
in the same run. Prints medians and the ratio, then drops the database.
BENCH_DEBUG=1 prints each publish query with its time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BENCH_DB = "console_bench_publish"
ROOT = Path(__file__).resolve().parent.parent


def server_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    return urlunparse(url._replace(path="/postgres"))


def recreate_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def big_document(name: str) -> dict:
    flow = {
        "start": "a",
        "steps": [
            {"id": "a", "prompt": "Hello", "transitions": [{"to": "b", "condition": "yes"}]},
            {"id": "b", "prompt": "Bye"},
        ],
    }
    return {
        "profile": {"name": name},
        "behaviour": {"systemPrompt": ("All work and no play. " * 4_600)[:100_000]},
        "functions": [
            {
                "id": f"fn_{i:06d}",
                "name": f"function_{i}",
                "description": "Looks something up in the booking system.",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs

    admin_url = server_url()
    bench_url = urlunparse(urlparse(admin_url)._replace(path=f"/{BENCH_DB}"))
    recreate_database(admin_url)
    try:
        os.environ["DATABASE_URL"] = bench_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agentbuilder.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        measure(runs, bench_url)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(admin_url)


def measure(runs: int, bench_url: str) -> None:
    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from psycopg.types.json import Jsonb

    from agentbuilder.actors import Actor
    from agentbuilder.config import canonical_json
    from agentbuilder.models import Agent, Role
    from agentbuilder.services import (
        agent_create,
        draft_save,
        membership_set,
        user_create,
        workspace_create,
    )
    from deployments.services import deployment_publish

    workspace = workspace_create(name="Bench", slug="bench")
    user = user_create(username="bench", password=None)
    membership_set(workspace=workspace, user=user, role=Role.BUILDER)
    actor = Actor(user=user, role=Role.BUILDER)

    def publish_times(agent: Agent) -> tuple[list[float], int]:
        times, queries = [], 0
        for run in range(runs):
            agent = Agent.objects.get(pk=agent.pk)
            document = {
                **agent.draft_document,
                "behaviour": {
                    **agent.draft_document["behaviour"],
                    "welcomeMessage": f"Hello, run {run}",
                },
            }
            agent = draft_save(
                actor=actor, agent=agent, document=document, base_revision=agent.draft_revision
            )
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                deployment_publish(actor=actor, agent=agent, version_name=f"Run {run}")
                times.append(time.perf_counter() - start)
            queries = len(captured.captured_queries)
            if os.environ.get("BENCH_DEBUG"):
                for q in captured.captured_queries:
                    print(q["time"], q["sql"][:150])
        return times, queries

    big = agent_create(actor=actor, workspace=workspace, name="Big", document=big_document("Big"))
    tiny = agent_create(actor=actor, workspace=workspace, name="Tiny")
    document_json = canonical_json(Agent.objects.get(pk=big.pk).draft_document)

    big_times, big_queries = publish_times(big)
    tiny_times, tiny_queries = publish_times(tiny)

    raw_times = []
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_raw (id bigserial PRIMARY KEY, document jsonb NOT NULL)")
        import json

        document = json.loads(document_json)
        for _ in range(runs):
            start = time.perf_counter()
            conn.execute("INSERT INTO bench_raw (document) VALUES (%s)", [Jsonb(document)])
            raw_times.append(time.perf_counter() - start)

    big_median = statistics.median(big_times)
    tiny_median = statistics.median(tiny_times)
    raw_median = statistics.median(raw_times)
    print(f"document size: {len(document_json.encode()) / 1024:.0f} KiB canonical JSON")
    print("agent: 500 functions, 200 variables, 50 flows, 100 KB prompt")
    print(f"runs: {runs} (median)")
    print(
        f"publish large agent (deployment_publish): {big_median * 1000:8.2f} ms  {big_queries} queries"
    )
    print(
        f"publish tiny agent  (deployment_publish): {tiny_median * 1000:8.2f} ms  {tiny_queries} queries"
    )
    print(f"raw psycopg INSERT of the same document:  {raw_median * 1000:8.2f} ms  1 query")
    print(f"ratio publish / raw insert:               {big_median / raw_median:8.2f}x")


if __name__ == "__main__":
    main()
