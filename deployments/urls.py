from django.urls import path

from deployments import views

app_name = "deployments"

urlpatterns = [
    path("deployments/", views.deployments_index, name="index"),
    path("numbers/", views.numbers_index, name="numbers"),
    path("api-keys/", views.api_keys_index, name="api_keys"),
]
