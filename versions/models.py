import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class VersionIsImmutable(Exception):
    """Raised when code tries to change or delete a published version."""


class Version(models.Model):
    """An immutable snapshot of an agent's whole configuration.

    Rows are append-only: the model refuses to update or delete them, and a database
    trigger (migration 0002) rejects UPDATE and DELETE for any other writer.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey(
        "agentbuilder.Agent", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    document = models.JSONField()
    sha256 = models.CharField(max_length=64)

    history = HistoricalRecords(excluded_fields=["document"])

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "number"], name="version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"V{self.number} {self.name}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionIsImmutable("Published versions cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionIsImmutable("Published versions cannot be deleted.")

    @property
    def label(self) -> str:
        return f"V{self.number}"
