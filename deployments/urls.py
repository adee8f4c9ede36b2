from django.urls import path

from deployments import numbers_views, views

app_name = "deployments"

urlpatterns = [
    path("deployments/", views.deployments_index, name="index"),
    path("numbers/", numbers_views.numbers_index, name="numbers"),
    path("numbers/<int:number_id>/", numbers_views.number_detail, name="number_detail"),
    path("numbers/<int:number_id>/assign/", numbers_views.number_assign_view, name="number_assign"),
    path("numbers/<int:number_id>/label/", numbers_views.number_label_view, name="number_label"),
    path(
        "numbers/<int:number_id>/release/", numbers_views.number_release_view, name="number_release"
    ),
    path("api-keys/", views.api_keys_index, name="api_keys"),
]
