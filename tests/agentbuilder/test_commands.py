import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from agentbuilder.models import Agent, Membership, Workspace
from api.models import ApiKey
from api.services import api_key_hash

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_seed_demo_creates_the_demo_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", password="pw-123456", stdout=out)
    counts = (Workspace.objects.count(), Agent.objects.count(), Membership.objects.count())
    call_command("seed_demo", password="pw-123456", stdout=StringIO())
    assert (Workspace.objects.count(), Agent.objects.count(), Membership.objects.count()) == counts
    assert set(Workspace.objects.values_list("slug", flat=True)) == {"demo", "acme"}
    assert Agent.objects.filter(workspace__slug="demo").count() == 2
    assert Agent.objects.filter(workspace__slug="acme").count() == 1
    roles = dict(
        Membership.objects.filter(workspace__slug="demo").values_list("user__username", "role")
    )
    assert roles == {"builder": "builder", "ops": "ops", "admin": "admin"}
    assert list(
        Membership.objects.filter(workspace__slug="acme").values_list("user__username", flat=True)
    ) == ["admin"]
    assert "builder  / pw-123456" in out.getvalue()


def test_seed_demo_generates_and_prints_a_password_when_none_is_given(django_user_model):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.strip().startswith("ops"))
    password = line.split("/")[-1].strip()
    assert len(password) >= 10
    assert django_user_model.objects.get(username="ops").check_password(password)


def test_createapikey_prints_the_key_as_its_last_line():
    call_command("seed_demo", password="pw-123456", stdout=StringIO())
    out = StringIO()
    call_command("createapikey", workspace="demo", name="ci", role="ops", stdout=out)
    raw_key = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get(name="ci")
    assert key.role == "ops"
    assert key.key_hash == api_key_hash(raw_key)
    assert raw_key not in key.key_hash


def test_createapikey_rejects_an_unknown_workspace():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No workspace"):
        call_command("createapikey", workspace="nope", name="ci", stdout=StringIO())


def test_check_deploy_passes_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 64 + "-production-secret-for-the-deploy-check",
        "ALLOWED_HOSTS": "console.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/console",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
