"""Responses every app's views share."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from agentbuilder.models import Agent


def redirect_to(request, url: str):
    """A full-page redirect: htmx follows HX-Redirect, a plain form a 302."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def back_to_page(request, agent: Agent):
    """After a banner action: reload the page the user was on (any page of the agent)."""
    fallback = reverse("agentbuilder:agent_detail", args=[agent.pk])
    target = request.POST.get("next") or (request.htmx.current_url if request.htmx else "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect_to(request, target)
