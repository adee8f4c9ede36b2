from django.urls import path

from agentbuilder import agent_views

app_name = "agentbuilder"

urlpatterns = [
    path("<uuid:agent_id>/", agent_views.agent_detail, name="agent_detail"),
]
