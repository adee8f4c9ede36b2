import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    BUILDER = "builder", "Builder"
    OPS = "ops", "Ops"
    ADMIN = "admin", "Admin"


class Workspace(models.Model):
    """A tenant: it owns agents, phone numbers, connections and API keys."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BUILDER)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"


class Agent(models.Model):
    """An agent and its draft: the editable working copy of its configuration.

    The draft is one canonical JSON document (see agentbuilder.config). `draft_revision`
    increases on every save so that concurrent editors can detect each other;
    `draft_sha256` lets the draft banner compare against the latest version by hash.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="agents")
    name = models.CharField(max_length=120)
    draft_document = models.JSONField()
    draft_sha256 = models.CharField(max_length=64)
    draft_revision = models.PositiveIntegerField(default=1)
    draft_updated_at = models.DateTimeField(auto_now=True)
    draft_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["draft_updated_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="agent_unique_name"),
            models.CheckConstraint(
                condition=models.Q(draft_revision__gte=1), name="agent_draft_revision_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AuthType(models.TextChoices):
    API_KEY = "api_key", "API Key"
    BASIC = "basic", "Basic Auth"
    BEARER = "bearer", "Bearer Token"
    KEY_VALUE = "key_value", "Key Value Pair"


class Connection(models.Model):
    """Credentials for an external service that functions call.

    Functions refer to a connection by `key` only; the secret never enters a configuration
    document, a version, a diff, the history or any response.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="connections")
    key = models.SlugField(max_length=64)
    display_name = models.CharField(max_length=120)
    auth_type = models.CharField(max_length=16, choices=AuthType.choices)
    secret = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="connection_unique_key"),
            models.CheckConstraint(
                condition=models.Q(auth_type__in=AuthType.values),
                name="connection_auth_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name
