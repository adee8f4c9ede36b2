"""API keys and idempotency records of the Agents API.

The tables keep the names they had when these models lived in the deployments app
(`db_table`): the move changed no table and no data (see migrations/0001_initial.py).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


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

    history = HistoricalRecords(
        excluded_fields=["key_hash", "last_used_at"], table_name="deployments_historicalapikey"
    )

    class Meta:
        db_table = "deployments_apikey"
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
        db_table = "deployments_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
