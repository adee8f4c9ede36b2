from django.urls import path

from telephony import views

app_name = "telephony"

urlpatterns = [
    path("numbers/", views.numbers_index, name="numbers"),
    path("numbers/<int:number_id>/", views.number_detail, name="number_detail"),
    path("numbers/<int:number_id>/assign/", views.number_assign_view, name="number_assign"),
    path("numbers/<int:number_id>/label/", views.number_label_view, name="number_label"),
    path("numbers/<int:number_id>/release/", views.number_release_view, name="number_release"),
]
