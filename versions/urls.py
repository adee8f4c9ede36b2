from django.urls import path

from versions import views

app_name = "versions"

urlpatterns = [
    path("history/", views.project_history, name="history"),
]
