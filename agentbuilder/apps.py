from django.apps import AppConfig


class AgentbuilderConfig(AppConfig):
    name = "agentbuilder"
    verbose_name = "Agent builder"
    default_auto_field = "django.db.models.BigAutoField"
