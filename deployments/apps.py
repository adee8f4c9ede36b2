from django.apps import AppConfig


class DeploymentsConfig(AppConfig):
    name = "deployments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agentbuilder import hooks
        from deployments import fragments

        hooks.register("agent_created", fragments.environments_create)
        hooks.register("agent_page_top", fragments.draft_banner)
        hooks.register("agent_status", fragments.status_strip)
        hooks.register("draft_saved_fragments", fragments.draft_banner_oob)
        hooks.register("agent_refs", fragments.environment_refs)
