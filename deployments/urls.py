from django.urls import path

from deployments import api_key_views, numbers_views, views

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
    path("api-keys/", api_key_views.api_keys_index, name="api_keys"),
    path(
        "api-keys/<int:key_id>/revoke/",
        api_key_views.api_key_revoke_view,
        name="api_key_revoke",
    ),
    path("numbers/", numbers_views.numbers_index, name="numbers"),
    path("numbers/<int:number_id>/", numbers_views.number_detail, name="number_detail"),
    path("numbers/<int:number_id>/assign/", numbers_views.number_assign_view, name="number_assign"),
    path("numbers/<int:number_id>/label/", numbers_views.number_label_view, name="number_label"),
    path(
        "numbers/<int:number_id>/release/", numbers_views.number_release_view, name="number_release"
    ),
]
