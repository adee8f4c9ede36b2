"""Shared fixtures: PostgreSQL only, a named cast per role, and Debian's Chromium.

The cast (Alice... is too cute for ops staff): `builder`, `ops` and `admin` of workspace
"Demo", and `outsider`, the admin of another workspace "Other".
"""

import json as json_module
import os
from pathlib import Path

import pytest
from django.db import connection

from agentbuilder.actors import Actor
from agentbuilder.models import Role
from agentbuilder.services import agent_create, membership_set, user_create, workspace_create
from api.services import api_key_create

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# in such a thread unless told that this is fine (it is: nothing here is async).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True, scope="session")
def _postgres_only(django_db_blocker):
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.exit(
            f"The test suite runs on PostgreSQL only (DATABASE_URL points at {vendor}).",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast sets four passwords per test; the production hasher would make that the
    slowest part of the suite. (Hashing itself is Django's, and not under test here.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Cast:
    def __init__(self):
        self.workspace = workspace_create(name="Demo", slug="demo")
        self.other_workspace = workspace_create(name="Other", slug="other")
        self.users = {}
        for role in (Role.BUILDER, Role.OPS, Role.ADMIN):
            user = user_create(username=role.value, password=PASSWORD)
            membership_set(workspace=self.workspace, user=user, role=role)
            self.users[role.value] = user
        outsider = user_create(username="outsider", password=PASSWORD)
        membership_set(workspace=self.other_workspace, user=outsider, role=Role.ADMIN)
        self.users["outsider"] = outsider

    def actor(self, name: str) -> Actor:
        role = {"outsider": Role.ADMIN}.get(name, name)
        return Actor(user=self.users[name], role=role)

    @property
    def builder(self) -> Actor:
        return self.actor("builder")

    @property
    def ops(self) -> Actor:
        return self.actor("ops")

    @property
    def admin(self) -> Actor:
        return self.actor("admin")

    @property
    def outsider(self) -> Actor:
        return self.actor("outsider")

    def agent(self, name: str = "Support line", *, workspace=None, document=None):
        workspace = workspace or self.workspace
        actor = self.outsider if workspace == self.other_workspace else self.builder
        return agent_create(actor=actor, workspace=workspace, name=name, document=document)


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def client_for(client, cast):
    """client_for("ops") -> the test client signed in as that member."""

    def sign_in(name: str):
        client.force_login(cast.users[name])
        return client

    return sign_in


# --- Agents API ---------------------------------------------------------------------


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


# --- Browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves test-artifacts/screens/name.png for people to look at."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(live_server):
    """login(page, "ops") signs in through the login form."""

    def sign_in(page, username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in
