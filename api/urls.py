from django.urls import include, path

from api import views
from api.api import api

# The API keys pages have a namespace of their own: "api" is the Agents API's (django-ninja).
api_keys_urlpatterns = (
    [
        path("", views.api_keys_index, name="index"),
        path("<int:key_id>/revoke/", views.api_key_revoke_view, name="revoke"),
    ],
    "apikeys",
)

urlpatterns = [
    path("v1/", api.urls),
    path("api-keys/", include(api_keys_urlpatterns)),
]
