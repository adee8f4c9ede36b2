from django.urls import path

from versions import compare_views, views

app_name = "versions"

urlpatterns = [
    path("agents/<uuid:agent_id>/versions/", views.agent_versions, name="agent_versions"),
    path(
        "agents/<uuid:agent_id>/versions/<int:number>/",
        views.version_detail,
        name="version_detail",
    ),
    path(
        "agents/<uuid:agent_id>/versions/<int:number>/restore/",
        views.version_restore_view,
        name="version_restore",
    ),
    path("agents/<uuid:agent_id>/draft/discard/", views.draft_discard_view, name="draft_discard"),
    path("agents/<uuid:agent_id>/compare/", compare_views.compare, name="compare"),
    path("agents/<uuid:agent_id>/compare.json", compare_views.compare_json, name="compare_json"),
]
