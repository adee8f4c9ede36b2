"""Serialisation: plain dicts whose keys are the JSON names of the reference."""

import math
from typing import Any

from django.utils import timezone

from agentbuilder.actors import actor_label
from agentbuilder.models import Agent
from deployments.models import Deployment
from versions.models import Version

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_INT = 2**31 - 1  # PostgreSQL integer: larger numbers cannot match any row


def iso_utc(moment) -> str:
    return moment.astimezone(timezone.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deployment_json(deployment: Deployment) -> dict[str, Any]:
    """Needs `version` and `created_by` selected."""
    version = deployment.version
    return {
        "id": str(deployment.pk),
        "agentId": str(deployment.agent_id),
        "environment": deployment.environment,
        "action": deployment.action,
        "version": {"id": str(version.pk), "number": version.number, "name": version.name},
        "deploymentMessage": deployment.message,
        "createdBy": actor_label(deployment.created_by),
        "createdAt": iso_utc(deployment.created_at),
        "sourceDeploymentId": str(deployment.source_id) if deployment.source_id else None,
        "previousDeploymentId": (
            str(deployment.previous_active_id) if deployment.previous_active_id else None
        ),
    }


def mutation_json(deployment: Deployment) -> dict[str, Any]:
    deployment = Deployment.objects.select_related("version", "created_by").get(pk=deployment.pk)
    return {"deployment": deployment_json(deployment), "testRunIds": []}


def version_json(version: Version) -> dict[str, Any]:
    return {
        "id": str(version.pk),
        "number": version.number,
        "name": version.name,
        "description": version.description,
        "sha256": version.sha256,
        "createdBy": actor_label(version.author),
        "createdAt": iso_utc(version.created_at),
    }


def draft_etag(agent: Agent) -> str:
    return f'"{agent.draft_revision}-{agent.draft_sha256[:16]}"'


def draft_json(agent: Agent) -> dict[str, Any]:
    return {
        "agentId": str(agent.pk),
        "revision": agent.draft_revision,
        "sha256": agent.draft_sha256,
        "updatedAt": iso_utc(agent.draft_updated_at),
        "document": agent.draft_document,
    }


def unstorable_json_path(value: Any, path: str = "document") -> str | None:
    """The path of the first value PostgreSQL's jsonb cannot store (NUL characters, lone
    surrogates, NaN or infinite numbers), or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return path if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            found = unstorable_json_path(key, path) or unstorable_json_path(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = unstorable_json_path(item, f"{path}.{index}")
            if found:
                return found
    return None
