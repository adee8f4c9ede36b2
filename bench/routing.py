"""Benchmark of call routing: `python bench/routing.py`.

Creates a PostgreSQL database (console_bench_routing), migrates it, loads the demo data
and an API key, starts gunicorn (2 sync workers, DEBUG off, Redis cache when reachable)
on 127.0.0.1, and drives it with a local load generator (Python threads, one keep-alive
http.client connection each, bounded by count and time) against:

- `POST /v1/calls/route` for the demo's Live number, and
- `GET /bench/ping`, a trivial JSON view on the same server through the same middleware
  (added by bench/urls.py only for this run; the product has no such URL),

then prints requests per second of both and their ratio, and counts the SQL queries of
one routing call on a warm cache (in this process, against the same database).

Options: --seconds (per endpoint and round, default 5), --rounds (default 3), --threads (default 8), --max-requests
(per endpoint, default 50000), --database-url, --no-redis. The machine is shared: the
load generator and the server compete for the same cores, so compare the ratio, not the
absolute figures.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_NUMBER = "+442079460101"  # seed_demo: Bella Tavola bookings, following Live


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def recreate_database(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/ping")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("The server did not start.")


def load(
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict,
    *,
    seconds: float,
    threads: int,
    max_requests: int,
) -> tuple[float, int, int]:
    """Drive one endpoint; returns (requests/second, completed, errors)."""
    lock = threading.Lock()
    counts = {"sent": 0, "ok": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        call = 0
        while time.monotonic() < deadline:
            with lock:
                if counts["sent"] >= max_requests:
                    return
                counts["sent"] += 1
            call += 1
            request_body = body
            if body is not None:
                # A new call id per request; the caller number varies too (stickiness).
                payload = json.loads(body)
                payload["callId"] = f"bench-{index}-{call}"
                payload["from"] = f"+1555{index:03d}{call % 10000:04d}"
                request_body = json.dumps(payload).encode()
            try:
                connection.request(method, path, body=request_body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            with lock:
                counts["ok" if ok else "errors"] += 1
        connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return counts["ok"] / elapsed, counts["ok"], counts["errors"]


def count_warm_queries(env: dict, raw_key: str) -> tuple[int, list[str]]:
    """SQL statements of one routing call on a warm cache, measured in this process."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    body = json.dumps({"to": DEMO_NUMBER, "from": "+15550001234", "callId": "bench-warm"})

    def call():
        return client.post(
            "/v1/calls/route",
            data=body,
            content_type="application/json",
            headers={"x-api-key": raw_key},
        )

    assert call().status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), [q["sql"][:90] for q in queries.captured_queries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/console_bench_routing"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--no-redis", action="store_true")
    options = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback
    }
    env.pop("REDIS_URL", None)
    use_redis = not options.no_redis and redis_reachable(options.redis_url)
    if use_redis:
        env["REDIS_URL"] = options.redis_url
    print(
        f"Database {options.database_url}; cache: {'Redis ' + options.redis_url if use_redis else 'local memory (per worker)'}"
    )
    recreate_database(options.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--password", "bench-password")
    raw_key = (
        manage(env, "createapikey", "--workspace", "demo", "--name", "bench", "--role", "ops")
        .strip()
        .splitlines()[-1]
    )
    if use_redis:
        import redis

        redis.Redis.from_url(options.redis_url).flushdb()

    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "agentbuilder.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        route_body = json.dumps({"to": DEMO_NUMBER, "from": "+15550000000", "callId": "x"}).encode()
        route_headers = {"x-api-key": raw_key, "Content-Type": "application/json"}
        common = {
            "seconds": options.seconds,
            "threads": options.threads,
            "max_requests": options.max_requests,
        }
        # Warm up both workers' caches, connections and imports.
        load(
            port,
            "POST",
            "/v1/calls/route",
            route_body,
            route_headers,
            seconds=1,
            threads=4,
            max_requests=200,
        )
        load(port, "GET", "/bench/ping", None, {}, seconds=1, threads=4, max_requests=200)
        # Alternate the two endpoints over several rounds, so that changes in the load of a
        # shared machine hit both alike; report the medians.
        rounds = []
        for _ in range(options.rounds):
            ping = load(port, "GET", "/bench/ping", None, {}, **common)
            routed = load(port, "POST", "/v1/calls/route", route_body, route_headers, **common)
            rounds.append((ping, routed))
    finally:
        server.terminate()
        server.wait(timeout=10)

    queries, statements = count_warm_queries(env, raw_key)
    print()
    print(
        f"gunicorn 2 sync workers, {options.threads} client threads, "
        f"{options.rounds} rounds of {options.seconds:g} s per endpoint"
    )
    for index, (ping, routed) in enumerate(rounds, 1):
        print(
            f"  round {index}: GET /bench/ping {ping[0]:6.0f} req/s ({ping[2]} errors)   "
            f"POST /v1/calls/route {routed[0]:6.0f} req/s ({routed[2]} errors)   "
            f"ratio {routed[0] / ping[0]:.2f}"
        )
    ping_rps = statistics.median(ping[0] for ping, _ in rounds)
    route_rps = statistics.median(routed[0] for _, routed in rounds)
    ratio = statistics.median(routed[0] / ping[0] for ping, routed in rounds)
    print(f"  median   GET  /bench/ping       {ping_rps:8.0f} req/s")
    print(f"  median   POST /v1/calls/route   {route_rps:8.0f} req/s")
    print(f"  median   ratio routing / ping   {ratio:8.2f}")
    print(f"SQL queries per routing call on a warm cache: {queries}")
    for statement in statements:
        print(f"  - {statement}")


if __name__ == "__main__":
    main()
