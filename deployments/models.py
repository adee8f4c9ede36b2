import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class EnvironmentName(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox"
    PRE_RELEASE = "pre-release", "Pre-release"
    LIVE = "live", "Live"


# The pipeline order: a version moves left to right.
ENVIRONMENT_ORDER = [EnvironmentName.SANDBOX, EnvironmentName.PRE_RELEASE, EnvironmentName.LIVE]


class DeploymentAction(models.TextChoices):
    PUBLISH = "publish", "Publish"
    PROMOTE = "promote", "Promote"
    ROLLBACK = "rollback", "Rollback"
    UNDEPLOY = "undeploy", "Undeploy"


class ApiKeyRole(models.TextChoices):
    BUILDER = "builder", "Builder"
    OPS = "ops", "Ops"
    ADMIN = "admin", "Admin"


class ApiKey(models.Model):
    """A workspace-scoped key for the Agents API. Only a hash of the key is stored.

    Each key has its own inactive user so that deployment records and simple-history rows
    attribute API actions to the key exactly as they attribute UI actions to a person.
    """

    workspace = models.ForeignKey(
        "agentbuilder.Workspace", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=64)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=128)
    role = models.CharField(max_length=16, choices=ApiKeyRole.choices, default=ApiKeyRole.BUILDER)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="apikey_unique_active_name",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=ApiKeyRole.values), name="apikey_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Environment(models.Model):
    """The pointer from one agent's environment to its active deployment.

    One row per (agent, environment), created with the agent. Promote, rollback and undeploy
    lock the agent row, append a Deployment and move this pointer; `active_deployment` is
    null when nothing is deployed (never deployed, or undeployed).
    """

    agent = models.ForeignKey(
        "agentbuilder.Agent", on_delete=models.CASCADE, related_name="environments"
    )
    name = models.CharField(max_length=16, choices=EnvironmentName.choices)
    active_deployment = models.OneToOneField(
        "Deployment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "name"], name="environment_unique_per_agent"),
            models.CheckConstraint(
                condition=models.Q(name__in=EnvironmentName.values), name="environment_name_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.get_name_display()}"


class Deployment(models.Model):
    """An append-only record that a version became active in an environment (or left it).

    `sequence` numbers the records of one (agent, environment) 1, 2, 3...; its unique
    constraint keeps each environment's history a single line even if two writers raced
    past the application lock. `previous_active` is the environment's active deployment at
    the moment this one was made (what a rollback of this one returns to); `source` is the
    deployment this one came from (promoted from, or rolled back to).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey(
        "agentbuilder.Agent", on_delete=models.PROTECT, related_name="deployments"
    )
    environment = models.CharField(max_length=16, choices=EnvironmentName.choices)
    sequence = models.PositiveIntegerField()
    version = models.ForeignKey("versions.Version", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=DeploymentAction.choices)
    message = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    previous_active = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["agent", "environment", "-sequence"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "environment", "sequence"], name="deployment_single_line"
            ),
            models.CheckConstraint(
                condition=models.Q(environment__in=EnvironmentName.values),
                name="deployment_environment_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=DeploymentAction.values),
                name="deployment_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="deployment_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} V{self.version.number} to {self.environment}"


class IdempotencyRecord(models.Model):
    """The first successful response to an API POST sent with an `Idempotency-Key` header.

    A retry with the same key and the same request replays `status`/`response` instead of
    running the action again. The unique constraint is what makes this safe under races:
    two concurrent retries both try to insert; PostgreSQL makes the second insert wait
    until the first transaction ends, then fail, and the second request replays the
    committed response (or, if the first one failed and rolled back, runs itself).
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(default=0)
    # The response body as sent (text, so that a replay is byte-for-byte the same).
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


# --- Phone numbers and call routing ------------------------------------------------------


class TargetKind(models.TextChoices):
    ENVIRONMENT = "environment", "Environment"
    VERSION = "version", "Pinned version"
    DRAFT = "draft", "Draft"


class PhoneNumber(models.Model):
    """A phone number (E.164, unique in the whole installation) owned by a workspace.

    What answers it is its `assignment`; a number without one is parked (calls get 404).
    Numbers change only through deployments.numbers (number_create / update / assign /
    release).
    """

    workspace = models.ForeignKey(
        "agentbuilder.Workspace", on_delete=models.CASCADE, related_name="phone_numbers"
    )
    number = models.CharField(max_length=16, unique=True)
    label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
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

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
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
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["version", "-created_at"], name="callrecord_by_version"),
            models.Index(fields=["workspace", "-created_at"], name="callrecord_by_workspace"),
            models.Index(fields=["call_id"], name="callrecord_call_id"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} on {self.number}"
