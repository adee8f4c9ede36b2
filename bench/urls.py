"""The product's URLs plus `/bench/ping`, a trivial JSON view: the baseline a benchmark
compares an endpoint against on the same server, through the same middleware."""

from django.http import JsonResponse
from django.urls import path

from agentbuilder.urls import urlpatterns as product_urlpatterns


def ping(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/ping", ping), *product_urlpatterns]
