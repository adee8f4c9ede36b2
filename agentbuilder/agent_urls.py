from django.urls import path

from agentbuilder import agent_views

app_name = "agentbuilder"

urlpatterns = [
    path("<uuid:agent_id>/", agent_views.agent_detail, name="agent_detail"),
    path(
        "<uuid:agent_id>/sections/<slug:section>/",
        agent_views.section_save,
        name="section_save",
    ),
    path("<uuid:agent_id>/items/<slug:kind>/", agent_views.item_save, name="item_add"),
    path(
        "<uuid:agent_id>/items/<slug:kind>/<str:item_id>/",
        agent_views.item_save,
        name="item_save",
    ),
    path(
        "<uuid:agent_id>/items/<slug:kind>/<str:item_id>/remove/",
        agent_views.item_remove,
        name="item_remove",
    ),
]
