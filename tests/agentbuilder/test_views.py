import re

import pytest
from django.urls import reverse

from agentbuilder.middleware import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_it_redirects_anonymous_users_to_login(client):
    response = client.get(reverse("console:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_logs_in_with_the_form(client, cast):
    response = client.post(
        reverse("login"), {"username": "ops", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("console:dashboard")


def test_it_shows_a_clear_error_for_a_wrong_password(client, cast):
    response = client.post(reverse("login"), {"username": "ops", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_it_lists_only_the_current_workspace_agents(client_for, cast):
    cast.agent("Ours")
    cast.agent("Theirs", workspace=cast.other_workspace)
    response = client_for("builder").get(reverse("console:dashboard"))
    assert response.status_code == 200
    assert b"Ours" in response.content
    assert b"Theirs" not in response.content


def test_it_shows_the_empty_state_without_agents(client_for, cast):
    response = client_for("builder").get(reverse("console:dashboard"))
    assert b"No agents yet" in response.content


def test_it_switches_workspace_for_a_member_of_both(client_for, cast):
    from agentbuilder.services import membership_set

    membership_set(workspace=cast.other_workspace, user=cast.users["admin"], role="admin")
    cast.agent("Theirs", workspace=cast.other_workspace)
    client = client_for("admin")
    response = client.post(reverse("workspace_switch"), {"workspace": "other"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "other"
    assert b"Theirs" in client.get(reverse("console:dashboard")).content


def test_it_refuses_to_switch_to_a_workspace_you_are_not_in(client_for, cast):
    client = client_for("builder")
    client.post(reverse("workspace_switch"), {"workspace": "other"})
    assert SESSION_KEY not in client.session
    assert b"Demo" in client.get(reverse("console:dashboard")).content


def test_it_refuses_get_on_workspace_switch(client_for, cast):
    assert client_for("builder").get(reverse("workspace_switch")).status_code == 405


def test_it_tells_a_user_without_workspace_so(client, django_user_model):
    user = django_user_model.objects.create_user("lonely", password="x")
    client.force_login(user)
    response = client.get(reverse("console:dashboard"))
    assert response.status_code == 403
    assert b"not a member of any workspace" in response.content


def test_it_sends_security_headers_and_a_strict_csp(client_for, cast):
    response = client_for("builder").get(reverse("console:dashboard"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_serves_htmx_from_static_and_has_no_inline_script(client_for, cast):
    html = client_for("builder").get(reverse("console:dashboard")).content.decode()
    assert "/static/vendor/htmx-2.0.11.min.js" in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "expected script tags"
    for attributes, body in scripts:
        assert "src=" in attributes and body.strip() == ""
    assert "X-CSRFToken" in html  # htmx sends the CSRF token on every request


def test_healthz_reports_ok_after_checking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(
    "name",
    [
        "deployments:index",
        "telephony:numbers",
        "console:history",
        "apikeys:index",
        "settings",
    ],
)
def test_every_sidebar_page_renders(client_for, cast, name):
    response = client_for("builder").get(reverse(name))
    assert response.status_code == 200
    assert b'aria-current="page"' in response.content


def test_settings_lists_members_and_connections_without_secrets(
    client_for, cast, django_assert_max_num_queries
):
    from agentbuilder.models import Connection

    Connection.objects.create(
        workspace=cast.workspace,
        key="crm",
        display_name="CRM",
        auth_type="bearer",
        secret="s3cr3t-token-value",
    )
    Connection.objects.create(
        workspace=cast.other_workspace, key="theirs", display_name="Theirs", auth_type="basic"
    )
    client = client_for("ops")
    with django_assert_max_num_queries(8):
        html = client.get(reverse("settings")).content.decode()
    assert "builder" in html and "Ops" in html
    assert "crm" in html and "Bearer Token" in html
    assert "s3cr3t-token-value" not in html
    assert "Theirs" not in html
