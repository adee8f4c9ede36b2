"""Reads of the pages that compose several apps: the agents overview and the project
history (one UNION over every history table, paginated by the database)."""

from django.db.models import CharField, F, IntegerField, UUIDField, Value
from django.db.models.functions import Cast

from agentbuilder.models import Agent, Connection, Membership
from api.models import ApiKey
from deployments.models import Deployment
from telephony.models import NumberAssignment, PhoneNumber
from versions.models import Version

HISTORY_COLUMNS = (
    "kind",
    "history_id",
    "history_date",
    "history_user_id",
    "history_change_reason",
    "history_type",
    "agent_ref",
    "number_ref",
    "environment_ref",
    "subject",
    "user_ref",
)


def _history_querysets(workspace, agent_id=None):
    """One values() queryset per history table, all with HISTORY_COLUMNS, so that they can
    be combined with UNION and paginated by the database (a constant number of queries)."""
    agents = Agent.objects.filter(workspace=workspace).values("pk")
    # Typed NULLs: PostgreSQL resolves UNION column types pairwise, and untyped NULLs in the
    # first branches would make a column text.
    no_agent = Cast(Value(None), UUIDField())
    no_number = Cast(Value(None), IntegerField())
    no_text = Value("", output_field=CharField())

    no_user = Cast(Value(None), IntegerField())

    def shape(queryset, kind, *, agent_ref, number_ref, environment_ref, subject, user_ref=None):
        return (
            queryset.annotate(
                kind=Value(kind, output_field=CharField()),
                agent_ref=agent_ref,
                number_ref=number_ref,
                environment_ref=environment_ref,
                subject=subject,
                user_ref=user_ref if user_ref is not None else no_user,
            )
            .order_by()
            .values(*HISTORY_COLUMNS)
        )

    querysets = [
        shape(
            Agent.history.filter(workspace=workspace, **({"id": agent_id} if agent_id else {})),
            "agent",
            agent_ref=F("id"),
            number_ref=no_number,
            environment_ref=no_text,
            subject=Cast("name", CharField()),
        ),
        shape(
            Version.history.filter(agent_id__in=[agent_id] if agent_id else agents),
            "version",
            agent_ref=F("agent_id"),
            number_ref=F("number"),
            environment_ref=no_text,
            subject=Cast("name", CharField()),
        ),
        shape(
            Deployment.history.filter(agent_id__in=[agent_id] if agent_id else agents),
            "deployment",
            agent_ref=F("agent_id"),
            number_ref=F("version__number"),
            environment_ref=Cast("environment", CharField()),
            subject=Cast("message", CharField()),
        ),
        shape(
            NumberAssignment.history.filter(agent_id__in=[agent_id] if agent_id else agents),
            "assignment",
            agent_ref=F("agent_id"),
            number_ref=no_number,
            environment_ref=no_text,
            subject=Cast("summary", CharField()),
        ),
    ]
    if agent_id is None:
        querysets += [
            shape(
                Membership.history.filter(workspace=workspace),
                "membership",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("role", CharField()),
                user_ref=F("user_id"),
            ),
            shape(
                ApiKey.history.filter(workspace=workspace),
                "apikey",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("name", CharField()),
            ),
            shape(
                Connection.history.filter(workspace=workspace),
                "connection",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("key", CharField()),
            ),
            shape(
                PhoneNumber.history.filter(workspace=workspace),
                "number",
                agent_ref=no_agent,
                number_ref=no_number,
                environment_ref=no_text,
                subject=Cast("number", CharField()),
            ),
        ]
    return querysets


def history_entries(workspace, agent_id=None):
    """Every history row of `workspace` (or of one agent), newest first, as dicts with
    HISTORY_COLUMNS: one query per page whatever the number of tables."""
    first, *rest = _history_querysets(workspace, agent_id)
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")
