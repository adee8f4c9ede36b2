from django.urls import path

from deployments import views

app_name = "deployments"

urlpatterns = [
    path("deployments/", views.deployments_index, name="index"),
    path("agents/<uuid:agent_id>/deployments/", views.agent_deployments, name="agent"),
    path(
        "agents/<uuid:agent_id>/deployments/<uuid:deployment_id>/promote/",
        views.promote,
        name="promote",
    ),
    path(
        "agents/<uuid:agent_id>/deployments/<uuid:deployment_id>/rollback/",
        views.rollback,
        name="rollback",
    ),
    path("agents/<uuid:agent_id>/deployments/undeploy/", views.undeploy, name="undeploy"),
    path("agents/<uuid:agent_id>/draft/publish/", views.draft_publish, name="draft_publish"),
]
