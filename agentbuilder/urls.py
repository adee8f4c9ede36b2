"""The root URLconf. Apps are included by dotted name, as Django resolves them: the core
imports no app above it, not even here (docs/architecture.md)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agentbuilder import views

urlpatterns = [
    path("", include("console.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/switch/", views.workspace_switch, name="workspace_switch"),
    path("settings/", views.settings_page, name="settings"),
    path("healthz", views.healthz, name="healthz"),
    path("agents/", include("agentbuilder.agent_urls")),
    path("", include("versions.urls")),
    path("", include("deployments.urls")),
    path("", include("telephony.urls")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]
