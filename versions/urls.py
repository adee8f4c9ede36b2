from django.urls import path

from versions import views

app_name = "versions"

urlpatterns = [
    path("history/", views.project_history, name="history"),
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
]

# --- Compare (issue 5) ---
from versions import compare_views  # noqa: E402

urlpatterns += [
    path("agents/<uuid:agent_id>/compare/", compare_views.compare, name="compare"),
    path("agents/<uuid:agent_id>/compare.json", compare_views.compare_json, name="compare_json"),
]
