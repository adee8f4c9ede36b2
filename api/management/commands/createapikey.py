from django.core.management.base import BaseCommand, CommandError

from agentbuilder.errors import ServiceError
from agentbuilder.models import Workspace
from api.models import ApiKeyRole
from api.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a workspace. The key is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="Workspace slug")
        parser.add_argument("--name", required=True, help="A name for the key, e.g. ci")
        parser.add_argument("--role", default=ApiKeyRole.BUILDER, choices=ApiKeyRole.values)

    def handle(self, *args, workspace, name, role, **options):
        try:
            ws = Workspace.objects.get(slug=workspace)
        except Workspace.DoesNotExist:
            raise CommandError(f"No workspace with slug {workspace!r}.") from None
        try:
            api_key, raw_key = api_key_create(actor=None, workspace=ws, name=name, role=role)
        except ServiceError as error:
            raise CommandError(f"{error.message} {getattr(error, 'errors', '')}") from None
        self.stdout.write(
            f"Created API key {api_key.name!r} ({api_key.role}) for {ws.name}. Store it now; it is not shown again:"
        )
        self.stdout.write(raw_key)
