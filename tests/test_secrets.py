"""Secrets never leak: a connection's credentials and an API key's raw value appear in no
snapshot, diff, history, log, page or API answer."""

import json
import logging

import pytest
from django.urls import reverse

from agentbuilder.demo import RESTAURANT
from agentbuilder.models import AuthType, Connection
from agentbuilder.services import draft_save
from api.services import api_key_create
from deployments.services import deployment_publish
from telephony.services import number_assign, number_create
from versions.models import Version

pytestmark = pytest.mark.django_db

CONNECTION_SECRET = "sk-live-very-secret-credential-42"


def test_no_secret_reaches_any_output(client, cast, caplog):
    caplog.set_level(logging.DEBUG)
    Connection.objects.create(
        workspace=cast.workspace,
        key="bookings-api",
        display_name="Bookings",
        auth_type=AuthType.BEARER,
        secret=CONNECTION_SECRET,
    )
    agent = cast.agent("Bella", document=RESTAURANT)
    deployment_publish(actor=cast.builder, agent=agent, message="V1")
    agent.refresh_from_db()
    document = {
        **agent.draft_document,
        "model": {**agent.draft_document["model"], "temperature": 0.1},
    }
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )
    deployment_publish(actor=cast.builder, agent=agent, message="V2")
    _, raw_key = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci", role="admin")
    phone_number = number_create(actor=cast.admin, workspace=cast.workspace, number="+442079460001")
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "sandbox"}]
    )

    stored = json.dumps([v.document for v in Version.objects.filter(agent=agent)])
    assert "bookings-api" in stored  # functions keep the reference...
    assert CONNECTION_SECRET not in stored  # ...never the credential

    client.force_login(cast.users["admin"])
    pages = [
        reverse("agentbuilder:agent_detail", args=[agent.pk]),
        reverse("versions:agent_versions", args=[agent.pk]),
        reverse("versions:version_detail", args=[agent.pk, 1]),
        reverse("versions:compare", args=[agent.pk]) + "?from=v1&to=v2",
        reverse("versions:compare_json", args=[agent.pk]) + "?from=v1&to=v2",
        reverse("console:history"),
        reverse("deployments:agent", args=[agent.pk]),
        reverse("apikeys:index"),
        reverse("telephony:numbers"),
        reverse("settings"),
    ]
    headers = {"x-api-key": raw_key}
    api = [
        f"/v1/agents/{agent.pk}/draft",
        f"/v1/agents/{agent.pk}/versions",
        f"/v1/agents/{agent.pk}/versions/1",
        f"/v1/agents/{agent.pk}/compare?from=v1&to=v2",
        f"/v1/agents/{agent.pk}/deployments?environment=sandbox",
        "/v1/numbers",
        "/v1/openapi.json",
    ]
    bodies = [client.get(url).content.decode() for url in pages]
    bodies += [client.get(url, headers=headers).content.decode() for url in api]
    route = client.post(
        "/v1/calls/route",
        data=json.dumps({"to": "+442079460001", "from": "+15550001111", "callId": "c1"}),
        content_type="application/json",
        headers=headers,
    )
    assert route.status_code == 200
    bodies.append(route.content.decode())
    assert all(len(body) > 0 for body in bodies)
    for body in bodies:
        assert CONNECTION_SECRET not in body
        assert raw_key not in body
    assert "bookings-api" in bodies[0]

    history_rows = json.dumps(
        [list(model.history.values()) for model in (Connection, Version)],
        default=str,
    )
    assert CONNECTION_SECRET not in history_rows
    assert raw_key not in history_rows
    assert CONNECTION_SECRET not in caplog.text and raw_key not in caplog.text
