"""Reads of phone numbers shared by the numbers pages and the Numbers API."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from agentbuilder.actors import actor_label
from agentbuilder.audit import label_for, split_reason
from agentbuilder.models import Workspace
from deployments.models import Environment, EnvironmentName
from telephony.models import AssignmentVariant, NumberAssignment, PhoneNumber, TargetKind
from telephony.services import target_label, target_ref

PRODUCTION_LABEL = re.compile(r"prod|live", re.IGNORECASE)


def numbers_for_workspace(workspace: Workspace) -> QuerySet[PhoneNumber]:
    """The workspace's numbers with their assignment, variants (and versions) and the
    agent's environments, in a constant number of queries whatever the page size."""
    return (
        PhoneNumber.objects.filter(workspace=workspace)
        .select_related("assignment__agent")
        .prefetch_related(
            Prefetch(
                "assignment__variants",
                queryset=AssignmentVariant.objects.select_related("version"),
            ),
            Prefetch(
                "assignment__agent__environments",
                queryset=Environment.objects.select_related("active_deployment__version"),
            ),
        )
        .order_by("number")
    )


def number_for_workspace(workspace: Workspace, number_id) -> PhoneNumber:
    """One number of the workspace (with the same prefetches); 404 for other workspaces."""
    phone_number = numbers_for_workspace(workspace).filter(pk=number_id).first()
    if phone_number is None:
        raise Http404("No such number.")
    return phone_number


def number_by_e164(workspace: Workspace, number: str) -> PhoneNumber | None:
    return numbers_for_workspace(workspace).filter(number=number).first()


def assignment_of(phone_number: PhoneNumber) -> NumberAssignment | None:
    try:
        return phone_number.assignment
    except NumberAssignment.DoesNotExist:
        return None


@dataclass(frozen=True)
class VariantRow:
    label: str
    target: str  # "live", "v3", "draft"
    target_label: str  # "Live (V3)", "V3 (pinned)", "Draft"
    weight: int
    version: Any


def variant_rows(phone_number: PhoneNumber) -> list[VariantRow]:
    assignment = assignment_of(phone_number)
    if assignment is None:
        return []
    active = {env.name: env.active_deployment for env in assignment.agent.environments.all()}
    rows = []
    for variant in assignment.variants.all():
        label = target_label(variant.target_kind, variant.environment, variant.version)
        if variant.target_kind == TargetKind.ENVIRONMENT:
            deployment = active.get(variant.environment)
            label += f" (V{deployment.version.number})" if deployment else " (nothing deployed)"
        elif variant.target_kind == TargetKind.VERSION:
            label += " (pinned)"
        rows.append(
            VariantRow(
                label=variant.label,
                target=target_ref(variant.target_kind, variant.environment, variant.version),
                target_label=label,
                weight=variant.weight,
                version=variant.version,
            )
        )
    return rows


def number_warnings(phone_number: PhoneNumber) -> list[str]:
    """What an admin would want to know about a number's assignment (uses the prefetches)."""
    assignment = assignment_of(phone_number)
    if assignment is None:
        return []
    environments = list(assignment.agent.environments.all())
    active_version_ids = {
        env.active_deployment.version_id for env in environments if env.active_deployment
    }
    active = {env.name: env.active_deployment for env in environments}
    warnings = []
    for variant in assignment.variants.all():
        if (
            variant.target_kind == TargetKind.VERSION
            and variant.version_id not in active_version_ids
        ):
            warnings.append(
                f"Pinned to V{variant.version.number}, which is no longer active in any "
                "environment."
            )
        elif (
            variant.target_kind == TargetKind.ENVIRONMENT
            and active.get(variant.environment) is None
        ):
            warnings.append(
                f"{EnvironmentName(variant.environment).label} has nothing deployed: calls "
                "to this number are refused."
            )
        elif variant.target_kind == TargetKind.DRAFT and PRODUCTION_LABEL.search(
            phone_number.label
        ):
            warnings.append(
                "Draft target on a number labelled as production: callers hear unpublished changes."
            )
    return list(dict.fromkeys(warnings))


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    who: str
    action: str
    detail: str


def number_history(phone_number: PhoneNumber, *, limit: int = 50) -> list[HistoryRow]:
    """Who changed what on this number and when, newest first (two queries)."""
    rows = []
    number_rows = PhoneNumber.history.filter(id=phone_number.pk).select_related("history_user")
    assignment_rows = NumberAssignment.history.filter(
        phone_number_id=phone_number.pk
    ).select_related("history_user")
    for record in [*number_rows[:limit], *assignment_rows[:limit]]:
        action, detail = split_reason(record.history_change_reason)
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=actor_label(record.history_user),
                action=label_for(action) if action else "Changed",
                detail=detail,
            )
        )
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


def number_as_dict(phone_number: PhoneNumber) -> dict[str, Any]:
    """The API's representation of a number and its assignment."""
    assignment = assignment_of(phone_number)
    body: dict[str, Any] = {
        "number": phone_number.number,
        "label": phone_number.label,
        "assignment": None,
    }
    if assignment is not None:
        body["assignment"] = {
            "agentId": str(assignment.agent_id),
            "variants": [
                {
                    "label": variant.label,
                    "target": target_ref(variant.target_kind, variant.environment, variant.version),
                    "weight": variant.weight,
                    "version": (
                        {"id": str(variant.version.pk), "number": variant.version.number}
                        if variant.version
                        else None
                    ),
                }
                for variant in assignment.variants.all()
            ],
            "sipHeaders": assignment.sip_headers,
        }
    body["warnings"] = number_warnings(phone_number)
    return body
