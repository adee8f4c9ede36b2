import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from agentbuilder import demo
from agentbuilder.actors import Actor
from agentbuilder.models import Agent, AuthType, Connection, Role
from agentbuilder.services import (
    agent_create,
    draft_save,
    membership_set,
    user_create,
    workspace_create,
)
from deployments.services import deployment_promote, deployment_publish


class Command(BaseCommand):
    help = (
        "Create the demo workspaces, users and agents. Safe to run again: existing demo "
        "objects are kept, and passwords are reset to the one given (or a new one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for the demo users (default: generated)")

    def handle(self, *args, password=None, **options):
        password = password or secrets.token_urlsafe(9)
        with transaction.atomic():
            self._seed(password)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("Logins (workspace Demo; admin is also in Acme):")
        for username in ("builder", "ops", "admin"):
            self.stdout.write(f"  {username:<8} / {password}")

    def _seed(self, password: str) -> None:
        demo_ws = workspace_create(name="Demo", slug="demo")
        acme_ws = workspace_create(name="Acme", slug="acme")
        users = {}
        for username, role in (("builder", Role.BUILDER), ("ops", Role.OPS), ("admin", Role.ADMIN)):
            users[username] = user_create(
                username=username, password=password, email=f"{username}@example.com"
            )
            membership_set(workspace=demo_ws, user=users[username], role=role)
        membership_set(workspace=acme_ws, user=users["admin"], role=Role.ADMIN)

        for workspace, key, display in (
            (demo_ws, "bookings-api", "Bookings API"),
            (demo_ws, "northgrid-crm", "Northgrid CRM"),
        ):
            Connection.objects.get_or_create(
                workspace=workspace,
                key=key,
                defaults={
                    "display_name": display,
                    "auth_type": AuthType.BEARER,
                    "secret": "demo-secret-" + secrets.token_hex(8),
                },
            )

        builder = Actor(user=users["builder"], role=Role.BUILDER)
        ops = Actor(user=users["ops"], role=Role.OPS)
        admin = Actor(user=users["admin"], role=Role.ADMIN)

        if not Agent.objects.filter(
            workspace=demo_ws, name=demo.RESTAURANT["profile"]["name"]
        ).exists():
            restaurant = agent_create(
                actor=builder,
                workspace=demo_ws,
                name=demo.RESTAURANT["profile"]["name"],
                document=demo.RESTAURANT,
            )
            first, _ = deployment_publish(
                actor=builder,
                agent=restaurant,
                message="First release",
                version_name="Launch menu and bookings",
            )
            second = deployment_promote(actor=builder, deployment=first, message="UAT")
            deployment_promote(actor=ops, deployment=second, message="Go live", confirmed=True)
            doc = {**restaurant.draft_document}
            doc["behaviour"] = {
                **doc["behaviour"],
                "welcomeMessage": "Buongiorno, thanks for calling Bella Tavola! How can I help?",
            }
            doc["model"] = {**doc["model"], "temperature": 0.3}
            restaurant.refresh_from_db()
            draft_save(
                actor=builder,
                agent=restaurant,
                document=doc,
                base_revision=restaurant.draft_revision,
                summary="warmer greeting",
            )
            deployment_publish(
                actor=builder,
                agent=restaurant,
                message="Warmer greeting",
                version_name="Warmer greeting",
            )
            restaurant.refresh_from_db()
            doc = {**restaurant.draft_document}
            doc["behaviour"] = {
                **doc["behaviour"],
                "systemPrompt": doc["behaviour"]["systemPrompt"]
                + "\nOffer the set lunch menu on weekdays.",
            }
            draft_save(
                actor=builder,
                agent=restaurant,
                document=doc,
                base_revision=restaurant.draft_revision,
                summary="set lunch",
            )

        if not Agent.objects.filter(
            workspace=demo_ws, name=demo.UTILITY["profile"]["name"]
        ).exists():
            utility = agent_create(
                actor=builder,
                workspace=demo_ws,
                name=demo.UTILITY["profile"]["name"],
                document=demo.UTILITY,
            )
            first, _ = deployment_publish(
                actor=builder,
                agent=utility,
                message="Initial billing agent",
                version_name="Billing basics",
            )
            deployment_promote(
                actor=ops,
                deployment=first,
                target_environment="live",
                message="Launch",
                confirmed=True,
            )

        if not Agent.objects.filter(workspace=acme_ws, name=demo.ACME["profile"]["name"]).exists():
            acme = agent_create(
                actor=admin,
                workspace=acme_ws,
                name=demo.ACME["profile"]["name"],
                document=demo.ACME,
            )
            deployment_publish(
                actor=admin, agent=acme, message="Helpdesk v1", version_name="Helpdesk v1"
            )

        self._seed_numbers(demo_ws, acme_ws, admin)

    # One number per demo agent, following Live. Fixed numbers from the UK drama range
    # (+44 20 7946 0xxx is reserved for fiction); already-present numbers are left as they are.
    DEMO_NUMBERS = {
        demo.RESTAURANT["profile"]["name"]: ("+442079460101", "Bella Tavola bookings (production)"),
        demo.UTILITY["profile"]["name"]: ("+442079460102", "Northgrid billing (production)"),
        demo.ACME["profile"]["name"]: ("+442079460103", "Acme helpdesk"),
    }

    def _seed_numbers(self, demo_ws, acme_ws, admin) -> None:
        from telephony.models import PhoneNumber
        from telephony.services import number_assign, number_create

        for agent in Agent.objects.filter(workspace__in=[demo_ws, acme_ws]):
            if agent.name not in self.DEMO_NUMBERS:
                continue
            number, label = self.DEMO_NUMBERS[agent.name]
            if PhoneNumber.objects.filter(number=number).exists():
                continue
            phone_number = number_create(
                actor=admin, workspace=agent.workspace, number=number, label=label
            )
            number_assign(
                actor=admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
            )
