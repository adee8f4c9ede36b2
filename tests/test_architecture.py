"""The layout rules of docs/architecture.md that lint-imports does not check itself."""

import subprocess
from pathlib import Path

import pytest

from agentbuilder import hooks

ROOT = Path(__file__).resolve().parent.parent
APPS = ["agentbuilder", "versions", "deployments", "telephony", "api", "console"]
MAX_SHARE = 0.35


def application_lines() -> dict[str, int]:
    """Lines of Python per app, migrations aside (tests live outside the apps)."""
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    lines = dict.fromkeys(APPS, 0)
    for name in tracked:
        app, _, rest = name.partition("/")
        if app in lines and "migrations/" not in rest and (ROOT / name).exists():
            lines[app] += len((ROOT / name).read_text().splitlines())
    return lines


def test_no_app_holds_more_than_35_percent_of_the_code():
    lines = application_lines()
    total = sum(lines.values())
    shares = {app: count / total for app, count in lines.items()}
    assert max(shares.values()) <= MAX_SHARE, shares


def test_every_app_is_in_the_layer_contract():
    pyproject = (ROOT / "pyproject.toml").read_text()
    for app in APPS:
        assert f'"{app}",' in pyproject.split("[[tool.importlinter.contracts]]")[1], app


def test_every_declared_hook_has_a_callable_from_a_higher_app():
    for name in hooks.HOOKS:
        assert hooks.get_hooks(name), f"nothing registers the {name} hook"


def test_a_hook_must_be_declared_before_it_is_registered():
    with pytest.raises(LookupError, match="No hook named 'agent_renamed'"):
        hooks.register("agent_renamed", print)
