"""Phone numbers, their assignments (one variant, or an A/B split), and call records.

The tables keep the names they had when these models lived in the deployments app
(`db_table`): moving the models between apps changed no table, no trigger and no data
(see migrations/0001_initial.py and docs/decisions.md).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from deployments.models import EnvironmentName


class TargetKind(models.TextChoices):
    ENVIRONMENT = "environment", "Environment"
    VERSION = "version", "Pinned version"
    DRAFT = "draft", "Draft"


class PhoneNumber(models.Model):
    """A phone number (E.164, unique in the whole installation) owned by a workspace.

    What answers it is its `assignment`; a number without one is parked (calls get 404).
    Numbers change only through telephony.services (number_create / update / assign /
    release).
    """

    workspace = models.ForeignKey(
        "agentbuilder.Workspace", on_delete=models.CASCADE, related_name="phone_numbers"
    )
    number = models.CharField(max_length=16, unique=True)
    label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(table_name="deployments_historicalphonenumber")

    class Meta:
        db_table = "deployments_phonenumber"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^\+[1-9][0-9]{7,14}$"),
                name="phonenumber_e164",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class NumberAssignment(models.Model):
    """Which agent answers a number, with one variant (a plain assignment) or several (an
    A/B split), and the SIP headers sent with every routing answer.

    `split_revision` increases whenever the variants change: it is part of the sticky
    hash, so callers are reshuffled only when the split itself changes (not for a header
    edit).
    """

    phone_number = models.OneToOneField(
        PhoneNumber, on_delete=models.CASCADE, related_name="assignment"
    )
    agent = models.ForeignKey(
        "agentbuilder.Agent", on_delete=models.PROTECT, related_name="number_assignments"
    )
    sip_headers = models.JSONField(default=list, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    split_revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="deployments_historicalnumberassignment"
    )

    class Meta:
        db_table = "deployments_numberassignment"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(split_revision__gte=1), name="assignment_split_revision_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone_number_id} -> {self.agent_id}"


class AssignmentVariant(models.Model):
    """One arm of an assignment: a label, a target and a weight (1-100).

    The weights of an assignment sum to 100: the service refuses anything else with a
    message, and a deferred constraint trigger (migration 0004) checks it at commit.
    """

    assignment = models.ForeignKey(
        NumberAssignment, on_delete=models.CASCADE, related_name="variants"
    )
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=64)
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices)
    environment = models.CharField(max_length=16, choices=EnvironmentName.choices, blank=True)
    version = models.ForeignKey(
        "versions.Version", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    weight = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "deployments_assignmentvariant"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "position"], name="variant_unique_position"
            ),
            models.UniqueConstraint(fields=["assignment", "label"], name="variant_unique_label"),
            models.CheckConstraint(
                condition=models.Q(target_kind__in=TargetKind.values), name="variant_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100), name="variant_weight_1_100"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        target_kind=TargetKind.ENVIRONMENT,
                        environment__in=EnvironmentName.values,
                        version__isnull=True,
                    )
                    | models.Q(
                        target_kind=TargetKind.VERSION, environment="", version__isnull=False
                    )
                    | models.Q(target_kind=TargetKind.DRAFT, environment="", version__isnull=True)
                ),
                name="variant_target_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.weight}%)"


class CallRecord(models.Model):
    """One answer of the routing endpoint: which variant and version took the call.

    `number` is the E.164 string (not a foreign key) so records outlive a released number;
    `version` is null when the Draft answered.
    """

    call_id = models.CharField(max_length=128)
    workspace = models.ForeignKey(
        "agentbuilder.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    number = models.CharField(max_length=16)
    agent = models.ForeignKey("agentbuilder.Agent", on_delete=models.PROTECT, related_name="+")
    variant = models.CharField(max_length=64)
    version = models.ForeignKey(
        "versions.Version", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    environment = models.CharField(max_length=16, choices=EnvironmentName.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "deployments_callrecord"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["version", "-created_at"], name="callrecord_by_version"),
            models.Index(fields=["workspace", "-created_at"], name="callrecord_by_workspace"),
            models.Index(fields=["call_id"], name="callrecord_call_id"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} on {self.number}"
