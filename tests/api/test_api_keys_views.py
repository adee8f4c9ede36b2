"""The API keys page: list, create (shown once), revoke; admins only for changes."""

import pytest
from django.urls import reverse

from api.models import ApiKey
from api.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db

URL = "/api-keys/"


def test_it_lists_the_workspace_keys_with_their_details(cast, client_for):
    api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci", role="ops")
    api_key_create(actor=cast.outsider, workspace=cast.other_workspace, name="theirs")
    response = client_for("builder").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    key = ApiKey.objects.get(name="ci")
    assert f"arc_{key.prefix}_" in html
    assert "theirs" not in html
    assert "Never" in html
    assert "Ops" in html and "Active" in html


def test_it_lists_active_keys_before_revoked_ones(cast, client_for):
    old, _ = api_key_create(actor=cast.admin, workspace=cast.workspace, name="aaa-old")
    api_key_revoke(actor=cast.admin, api_key=old)
    api_key_create(actor=cast.admin, workspace=cast.workspace, name="zzz-current")
    html = client_for("admin").get(URL).content.decode()
    assert html.index('data-key-name="zzz-current"') < html.index('data-key-name="aaa-old"')


def test_it_shows_non_admins_the_list_read_only_with_the_reason(cast, client_for):
    response = client_for("ops").get(URL)
    html = response.content.decode()
    assert "Only admins can do this." in html
    assert "Create API key" not in html


def test_it_lists_in_a_constant_number_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    for index in range(6):
        api_key_create(actor=cast.admin, workspace=cast.workspace, name=f"key-{index}")
    client.get(URL)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.content.decode().count('data-testid="api-key-row"') == 6


def test_it_creates_a_key_and_shows_it_once(cast, client_for):
    client = client_for("admin")
    response = client.post(URL, {"name": "github-actions", "role": "ops"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    key = ApiKey.objects.get(name="github-actions")
    assert key.role == "ops" and key.created_by == cast.users["admin"]
    raw = html.split('id="new-api-key" type="text" value="')[1].split('"')[0]
    assert raw.startswith(f"arc_{key.prefix}_")
    assert "It will not be shown again" in html
    assert 'data-copy-target="new-api-key"' in html
    assert raw not in client.get(URL).content.decode()
    history = key.history.get()
    assert history.history_change_reason == "apikeys.create: github-actions"
    assert raw not in str(history.__dict__)
    api = client.get("/v1/agents", headers={"x-api-key": raw})
    assert api.status_code == 200


def test_it_renders_the_partial_for_htmx(cast, client_for):
    response = client_for("admin").post(
        URL, {"name": "ci", "role": "builder"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="api-keys">')
    assert "<html" not in html


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "", "role": "ops"}, "This field is required."),
        ({"name": "has spaces", "role": "ops"}, "Use 1-64 letters"),
        ({"name": "ci", "role": "root"}, "Select a valid choice"),
    ],
)
def test_it_shows_form_errors_next_to_the_field(cast, client_for, data, field_error):
    response = client_for("admin").post(URL, data)
    assert response.status_code == 422
    assert field_error in response.content.decode()
    assert 'class="field-error"' in response.content.decode()
    assert not ApiKey.objects.exists()


def test_it_refuses_a_duplicate_active_name(cast, client_for):
    api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    response = client_for("admin").post(URL, {"name": "ci", "role": "ops"})
    assert response.status_code == 422
    assert "An active key already has this name." in response.content.decode()
    assert ApiKey.objects.count() == 1


@pytest.mark.parametrize("role", ["builder", "ops"])
def test_it_refuses_non_admins_creating_keys(cast, client_for, role):
    response = client_for(role).post(URL, {"name": "sneaky", "role": "admin"})
    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_it_revokes_a_key_at_once(cast, client_for):
    key, raw = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    client = client_for("admin")
    response = client.post(reverse("apikeys:revoke", args=[key.pk]))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert key.history.first().history_change_reason == "apikeys.revoke: ci"
    assert key.history.first().history_user == cast.users["admin"]
    assert client.get("/v1/agents", headers={"x-api-key": raw}).status_code == 401
    page = client.get(URL).content.decode()
    assert "Revoked" in page
    assert "revoked. Requests with it now get 401" in page


def test_it_revokes_through_htmx_with_a_toast(cast, client_for):
    key, _ = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    response = client_for("admin").post(
        reverse("apikeys:revoke", args=[key.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in html and "revoked" in html


def test_it_refuses_non_admins_revoking(cast, client_for):
    key, _ = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    client_for("ops").post(reverse("apikeys:revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is None


def test_it_answers_404_for_another_workspaces_key(cast, client_for):
    key, _ = api_key_create(actor=cast.outsider, workspace=cast.other_workspace, name="theirs")
    response = client_for("admin").post(reverse("apikeys:revoke", args=[key.pk]))
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_it_refuses_get_on_revoke(cast, client_for):
    key, _ = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    response = client_for("admin").get(reverse("apikeys:revoke", args=[key.pk]))
    assert response.status_code == 405


def test_it_keeps_revoking_idempotent(cast):
    key, _ = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    first = api_key_revoke(actor=cast.admin, api_key=key).revoked_at
    assert api_key_revoke(actor=cast.admin, api_key=key).revoked_at == first
    assert key.history.count() == 2


def test_it_records_last_use(cast, client):
    key, raw = api_key_create(actor=cast.admin, workspace=cast.workspace, name="ci")
    assert key.last_used_at is None
    client.get("/v1/agents", headers={"x-api-key": raw})
    key.refresh_from_db()
    assert key.last_used_at is not None
