import json as json_module

import pytest

from deployments.services import api_key_create


@pytest.fixture
def api_key_for(cast):
    """api_key_for("ops") -> the raw key of a new key with that role in the cast's workspace."""

    def create(role: str = "builder", *, name: str | None = None, workspace=None) -> str:
        _, raw_key = api_key_create(
            actor=None,
            workspace=workspace or cast.workspace,
            name=name or f"ci-{role}",
            role=role,
        )
        return raw_key

    return create


@pytest.fixture
def call(client):
    """call("post", path, key, json=..., headers=...) -> response, with the x-api-key header."""

    def request(method: str, path: str, key: str | None, *, json=None, data=None, headers=None):
        all_headers = {**({"x-api-key": key} if key else {}), **(headers or {})}
        kwargs = {"headers": all_headers}
        if json is not None:
            kwargs["data"] = json_module.dumps(json)
            kwargs["content_type"] = "application/json"
        elif data is not None or method in ("post", "put"):
            # Like `curl -X POST` without -d: an empty body unless one is given.
            kwargs["data"] = data if data is not None else ""
            kwargs["content_type"] = "application/json"
        return getattr(client, method)(path, **kwargs)

    return request


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is `status` with the error envelope (and `code`, if given)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]
