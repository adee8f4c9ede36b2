"""A bounded schemathesis run against /v1/openapi.json: no 5xx, no response outside the
schema, for positive and negative (invalid) inputs alike.

Each operation gets a fresh workspace with a key, an agent deployed to every environment,
and an agent of another workspace. Most generated agent and deployment ids are swapped for
real ones so that the fuzzing reaches the services instead of stopping at 404.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.api import api
from deployments.services import deployment_promote, deployment_publish
from tests.api.test_api_deployments import edit

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
application = get_wsgi_application()
REFS = ["draft", "v1", "2", "sandbox", "pre-release", "live"]


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI app runs in the test's transaction; like Django's test client, stop it
    from closing that connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, cast, api_key_for, _keep_the_test_connection):
    agent = cast.agent()
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    pre = deployment_promote(actor=cast.builder, deployment=sandbox)
    live = deployment_promote(actor=cast.ops, deployment=pre, confirmed=True)
    agent = edit(cast, agent, "a newer draft")
    newer, _ = deployment_publish(actor=cast.builder, agent=agent)
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    return {
        "key": api_key_for("ops"),
        "agents": [str(agent.pk), str(theirs.pk)],
        "deployments": [str(d.pk) for d in (sandbox, pre, live, newer)],
    }


def steer(value, choices):
    """Keep about one generated value in four; replace the rest by a real id."""
    text = str(value)
    return text if len(text) % 4 == 3 else choices[len(text) % len(choices)]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_it_survives_fuzzing_within_the_schema(case, world):
    path = case.path_parameters or {}
    if "agentId" in path:
        path["agentId"] = steer(path["agentId"], world["agents"][:1] * 3 + world["agents"][1:])
    if "deploymentId" in path:
        path["deploymentId"] = steer(path["deploymentId"], world["deployments"])
    if "number" in path:
        path["number"] = steer(path["number"], [1, 2])
    query = case.query or {}
    for side in ("from", "to"):
        if isinstance(query.get(side), str):
            query[side] = steer(query[side], REFS)
    case.call_and_validate(app=application, headers={"x-api-key": world["key"]}, checks=CHECKS)
