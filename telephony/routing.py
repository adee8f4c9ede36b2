"""Call routing: which configuration answers a phone number, fast.

The resolved answer of a number (its agent, SIP headers and, per variant, the version and
canonical document) is cached with Django's cache framework. Entries are validated by
generation counters rather than deleted:

- `routing:gen:number:<E.164>` moves on every change of the number or its assignment;
- `routing:gen:agent:<id>` moves on every publish, promote, rollback, undeploy and draft
  save of the agent (`invalidate_agent`, called after commit by those services).

An entry stores the generations it was built under and is used only while they are all
still current. Generations are read *before* the database rows they guard, so a request
that read old rows while a change was committing stores an entry under the old
generation, which the change's bump (after commit) has already made unusable: nobody can
be served the old version after the action returned, on one app server or many sharing
Redis. The warm path is two cache reads and no SQL.
"""

import hashlib
import time
from typing import Any

from django.core.cache import cache

from agentbuilder.models import Agent
from deployments.models import Environment
from telephony.models import PhoneNumber

ROUTE_TTL_SECONDS = 600  # a safety net only: correctness comes from the generations


def _number_generation_key(number: str) -> str:
    return f"routing:gen:number:{number}"


def _agent_generation_key(agent_id) -> str:
    return f"routing:gen:agent:{agent_id}"


def _route_key(number: str) -> str:
    return f"routing:route:{number}"


def _fresh_generation() -> int:
    # Microseconds since the epoch: a counter that was evicted restarts above every value
    # it ever had, so an old entry can never match it again.
    return time.time_ns() // 1000


def _bump(key: str) -> None:
    cache.add(key, _fresh_generation(), timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, _fresh_generation(), timeout=None)


def invalidate_agent(agent_id) -> None:
    """Forget every cached routing answer that depends on `agent_id`'s environments or
    draft. Called after commit of every publish, promote, rollback, undeploy and draft
    change, through the `agent_changed` hook.
    """
    _bump(_agent_generation_key(agent_id))


def on_agent_changed(*, agent_id) -> None:
    """The `agent_changed` hook (registered in telephony/apps.py)."""
    invalidate_agent(agent_id)


def invalidate_number(number: str) -> None:
    """Forget the cached routing answer of `number` (its assignment changed)."""
    _bump(_number_generation_key(number))


def _generations(keys: list[str]) -> dict[str, int]:
    current = cache.get_many(keys)
    missing = [key for key in keys if key not in current]
    if missing:
        for key in missing:
            cache.add(key, _fresh_generation(), timeout=None)
        current.update(cache.get_many(missing))
    return current


def sticky_bucket(caller: str, split_id: int, split_revision: int) -> int:
    """A bucket 0-99 for a caller on a split: stable for the same caller, split and split
    revision, uniformly spread over callers."""
    digest = hashlib.sha256(f"{caller}|{split_id}|{split_revision}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def choose_variant(variants: list[dict[str, Any]], bucket: int) -> dict[str, Any]:
    """The variant whose cumulative weight range contains `bucket`."""
    cumulative = 0
    for variant in variants:
        cumulative += variant["weight"]
        if bucket < cumulative:
            return variant
    return variants[-1]


def _resolve(number: str) -> dict[str, Any]:
    """Build a cache entry for `number` from the database (generations first)."""
    generations = _generations([_number_generation_key(number)])
    phone_number = PhoneNumber.objects.select_related("assignment").filter(number=number).first()
    assignment = getattr(phone_number, "assignment", None) if phone_number else None
    if assignment is None:
        return {
            "workspace_id": phone_number.workspace_id if phone_number else None,
            "variants": [],
            "generations": generations,
        }
    generations.update(_generations([_agent_generation_key(assignment.agent_id)]))
    variants = list(assignment.variants.select_related("version"))
    environments = {}
    names = {variant.environment for variant in variants if variant.environment}
    if names:
        environments = {
            environment.name: environment
            for environment in Environment.objects.filter(
                agent_id=assignment.agent_id, name__in=names
            ).select_related("active_deployment__version")
        }
    draft = None
    if any(variant.target_kind == "draft" for variant in variants):
        draft = Agent.objects.values_list("draft_document", flat=True).get(pk=assignment.agent_id)
    resolved = []
    for variant in variants:
        version = variant.version
        config = None
        if variant.target_kind == "environment":
            deployment = environments[variant.environment].active_deployment
            version = deployment.version if deployment else None
            config = version.document if version else None
        elif variant.target_kind == "version":
            config = version.document
        else:
            config = draft
        resolved.append(
            {
                "label": variant.label,
                "weight": variant.weight,
                "environment": variant.environment or None,
                "version": {"id": str(version.pk), "number": version.number} if version else None,
                "version_pk": version.pk if version else None,
                "draft": variant.target_kind == "draft",
                "config": config,
            }
        )
    return {
        "workspace_id": phone_number.workspace_id,
        "agent_id": str(assignment.agent_id),
        "split_id": assignment.pk,
        "split_revision": assignment.split_revision,
        "sip_headers": {header["name"]: header["value"] for header in assignment.sip_headers},
        "variants": resolved,
        "generations": generations,
    }


def route_entry(number: str) -> dict[str, Any]:
    """The cached routing entry of `number`, rebuilt if any generation moved on."""
    key = _route_key(number)
    entry = cache.get(key)
    if entry is not None and cache.get_many(list(entry["generations"])) == entry["generations"]:
        return entry
    entry = _resolve(number)
    cache.set(key, entry, timeout=ROUTE_TTL_SECONDS)
    return entry
