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


# END
