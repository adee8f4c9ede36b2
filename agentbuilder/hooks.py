"""Hooks: how a lower app lets a higher one take part without importing it.

Modelled on Wagtail's hooks. Every hook is declared in HOOKS below with the contract its
callables follow: when the lower app calls them, with which keyword arguments, and what they
return. A higher app registers its callables in its AppConfig.ready(); registering a name
that is not declared here is an error, so every way in is listed in this one file.

    # telephony/apps.py
    def ready(self):
        from agentbuilder import hooks
        from telephony import routing

        hooks.register("agent_changed", routing.invalidate_agent)
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction

HOOKS: dict[str, str] = {
    "agent_created": (
        "fn(*, actor, agent) -> None. Called by agentbuilder.services.agent_create inside its "
        "transaction, after the agent row is saved. deployments creates the agent's "
        "environment pointers."
    ),
    "agent_changed": (
        "fn(*, agent_id) -> None. Called after commit of every change to what an agent serves: "
        "a draft save, discard or restore, and every publish, promote, rollback and undeploy. "
        "telephony forgets the cached routing answers of the agent's numbers."
    ),
    "agent_page_top": (
        "fn(*, request, agent) -> str (HTML). Rendered at the top of every page of one agent by "
        "the {% agent_page_top agent %} tag (agentbuilder.templatetags.agent_tags). "
        "deployments renders the draft banner (Delete, Publish)."
    ),
    "agent_status": (
        "fn(*, request, agent, oob: bool) -> str (HTML). The agent's status strip under the "
        "editor's title, and (oob=True, as an hx-swap-oob fragment) after every draft change "
        "the editor saves. deployments renders Draft / Sandbox / Pre-release / Live."
    ),
    "draft_saved_fragments": (
        "fn(*, request, agent) -> str (HTML). Out-of-band fragments the editor adds to its htmx "
        "answer after a draft change. deployments refreshes the draft banner."
    ),
    "agent_refs": (
        "fn(*, agent) -> list[versions.selectors.NamedRef]. Named sides a comparison can "
        "use besides the Draft and a version number, in the order the Compare pickers list "
        "them. deployments offers its environments (sandbox, pre-release, live)."
    ),
}

_registry: dict[str, list[Callable[..., Any]]] = {name: [] for name in HOOKS}


def register(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add `fn` to hook `name` (from an AppConfig.ready()). Registering twice is a no-op,
    so a test settings reload cannot run a callable twice."""
    if name not in HOOKS:
        raise LookupError(f"No hook named {name!r}; declare it in agentbuilder.hooks.HOOKS.")
    if fn not in _registry[name]:
        _registry[name].append(fn)
    return fn


def get_hooks(name: str) -> list[Callable[..., Any]]:
    return list(_registry[name])


def run(name: str, **kwargs: Any) -> list[Any]:
    """Call every callable of hook `name` with `kwargs`, in registration order."""
    return [fn(**kwargs) for fn in _registry[name]]


def run_on_commit(name: str, **kwargs: Any) -> None:
    """Run hook `name` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: run(name, **kwargs))


def render(name: str, **kwargs: Any) -> str:
    """The HTML of every callable of an HTML hook, joined."""
    return "".join(run(name, **kwargs))
