"""docs/api.md's CI example runs for real; the OpenAPI document and the docs page."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from agentbuilder.models import Agent
from deployments.models import Deployment

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def ci_example() -> str:
    text = DOCS.read_text()
    after_marker = text.split("<!-- ci-example", 1)[1]
    return re.search(r"```bash\n(.*?)```", after_marker, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_ci_example_from_the_docs(cast, api_key_for, live_server, tmp_path):
    agent = cast.agent()
    document = {**agent.draft_document, "behaviour": {"systemPrompt": "From the repository."}}
    (tmp_path / "agent.json").write_text(json.dumps(document))
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "BASE_URL": live_server.url,
        "API_KEY": api_key_for("builder", name="github-actions"),
        "AGENT_ID": str(agent.pk),
        "GITHUB_SHA": "abc123",
    }
    result = subprocess.run(
        ["bash", "-c", ci_example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Promoted to pre-release: V1" in result.stdout
    agent.refresh_from_db()
    assert agent.draft_document["behaviour"]["systemPrompt"] == "From the repository."
    sandbox = Deployment.objects.get(agent=agent, environment="sandbox")
    pre_release = Deployment.objects.get(agent=agent, environment="pre-release")
    assert sandbox.message == "merge abc123"
    assert sandbox.version.document["behaviour"]["systemPrompt"] == "From the repository."
    assert pre_release.source == sandbox
    assert pre_release.created_by.api_key.name == "github-actions"

    # A re-run of the same job (a CI retry) replays and creates nothing new.
    again = subprocess.run(
        ["bash", "-c", ci_example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert Deployment.objects.filter(agent=agent).count() == 2
    assert Agent.objects.get(pk=agent.pk).draft_revision == agent.draft_revision


@pytest.mark.django_db(transaction=True)
def test_it_fails_the_ci_example_when_tests_fail(cast, api_key_for, live_server, tmp_path):
    agent = cast.agent()
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "BASE_URL": live_server.url,
        "API_KEY": api_key_for("builder"),
        "AGENT_ID": str(agent.pk),
        "TEST_COMMAND": "false",
    }
    result = subprocess.run(
        ["bash", "-c", ci_example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "not promoting" in result.stderr
    assert list(Deployment.objects.values_list("environment", flat=True)) == ["sandbox"]


def test_it_describes_every_endpoint_and_error_in_openapi(client, db):
    schema = client.get("/v1/openapi.json").json()
    operations = {
        (method.upper(), path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    ours = {
        ("GET", "/v1/agents"),
        ("GET", "/v1/agents/{agentId}/deployments"),
        ("GET", "/v1/agents/{agentId}/deployments/active"),
        ("POST", "/v1/agents/{agentId}/deployments/publish"),
        ("POST", "/v1/agents/{agentId}/deployments/undeploy"),
        ("POST", "/v1/agents/{agentId}/deployments/{deploymentId}/promote"),
        ("POST", "/v1/agents/{agentId}/deployments/{deploymentId}/rollback"),
        ("GET", "/v1/agents/{agentId}/draft"),
        ("PUT", "/v1/agents/{agentId}/draft"),
        ("GET", "/v1/agents/{agentId}/versions"),
        ("GET", "/v1/agents/{agentId}/versions/{number}"),
        ("GET", "/v1/agents/{agentId}/compare"),
    }
    # Other routers (phone numbers) add their own operations; these are the ones of docs/api.md.
    assert ours <= set(operations)
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for method, path in ours:
        operation = operations[(method, path)]
        responses = operation["responses"]
        assert "200" in responses and "401" in responses, path
        for status, response in responses.items():
            if status != "200":
                assert response["content"]["application/json"]["schema"] == envelope
        assert operation["security"] == [{"ApiKeyAuth": []}]
        if method == "POST":
            assert {"400", "403", "404", "409", "422"} <= set(responses), path
            names = [p["name"] for p in operation["parameters"]]
            assert "Idempotency-Key" in names, path
            assert "requestBody" in operation
    publish = operations[("POST", "/v1/agents/{agentId}/deployments/publish")]
    body = schema["components"]["schemas"]["PublishBody"]["properties"]
    assert set(body) == {"deploymentMessage", "environment"}
    assert publish["requestBody"]["required"] is False
    listing = operations[("GET", "/v1/agents/{agentId}/deployments")]
    params = {p["name"]: p for p in listing["parameters"]}
    assert params["environment"]["required"] is True
    assert "default 20" in params["limit"]["description"]
    put = operations[("PUT", "/v1/agents/{agentId}/draft")]
    assert {"412", "428"} <= set(put["responses"])
    active = schema["components"]["schemas"]["ActiveDeployments"]
    assert set(active["properties"]) == {"sandbox", "pre-release", "live"}
    deployment = schema["components"]["schemas"]["DeploymentOut"]
    assert {"agentId", "deploymentMessage", "createdBy", "createdAt"} <= set(
        deployment["properties"]
    )


def test_it_serves_the_docs_page_from_our_own_static_files(client, db):
    response = client.get("/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert all(url.startswith("/static/") for url in urls), urls
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # only external scripts and a JSON data block (CSP)
    assert "script-src 'self'" in response["Content-Security-Policy"]
