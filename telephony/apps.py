from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = "Phone numbers and call routing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agentbuilder import hooks
        from telephony import routing

        hooks.register("agent_changed", routing.on_agent_changed)
