"""The Deployments pages: the workspace overview and one agent's Sandbox / Pre-release / Live
tabs with promote, rollback and undeploy.

Views are thin: look the objects up inside the member's workspace (404 otherwise), call one
service, and answer with the tab partial (htmx) or a redirect back to the tab (plain forms).
Refusals from the services (RuleViolation, NotAllowed) become an error toast and change
nothing; input errors (message too long, Live not confirmed) reopen the dialog with the
error next to its field.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from agentbuilder.access import actor_for, agent_post, get_agent_for_member, member_required
from agentbuilder.errors import InvalidInput, NotAllowed, RuleViolation, ServiceError
from agentbuilder.forms import errors_for_fields
from agentbuilder.models import Agent
from agentbuilder.responses import back_to_page
from deployments.forms import PublishForm
from deployments.fragments import BANNER, banner_context
from deployments.models import Deployment, EnvironmentName
from deployments.selectors import (
    TABS,
    agent_status,
    agents_with_status,
    environment_tab,
    parse_tab,
)
from deployments.services import (
    deployment_promote,
    deployment_publish,
    deployment_rollback,
    deployment_undeploy,
    environment_label,
)
from versions.services import latest_version

AGENT_PAGE = "deployments/agent.html"


@require_GET
@member_required
def deployments_index(request):
    statuses = [agent_status(agent) for agent in agents_with_status(request.workspace)]
    return render(request, "deployments/index.html", {"statuses": statuses, "nav": "deployments"})


def _agent_with_status(request, agent_id) -> Agent:
    """The agent with its overview status preloaded, inside the member's workspace."""
    return get_agent_for_member(request, agent_id, queryset=agents_with_status(request.workspace))


def _page_context(request, agent: Agent, tab_name: str, *, page_number=None, **extra) -> dict:
    return {
        "agent": agent,
        "status": agent_status(agent),
        "tabs": TABS,
        "tab": environment_tab(agent, tab_name, role=request.role, page_number=page_number),
        "nav": "deployments",
        **extra,
    }


def _tab_url(agent_id, tab_name: str) -> str:
    return f"{reverse('deployments:agent', args=[agent_id])}?{urlencode({'tab': tab_name})}"


@require_GET
@vary_on_headers("HX-Request")
@member_required
def agent_deployments(request, agent_id):
    """One agent's deployments; `?tab=` picks the environment, `?page=` the page.

    htmx tab switches get the `tab` partial; a history restore (Back after the cache was
    evicted) needs the whole page, as does a boosted request."""
    agent = _agent_with_status(request, agent_id)
    tab_name = parse_tab(request.GET.get("tab"))
    context = _page_context(request, agent, tab_name, page_number=request.GET.get("page"))
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return render(request, f"{AGENT_PAGE}#tab", context)
    return render(request, AGENT_PAGE, context)


def _respond_after_action(request, agent_id, tab_name: str, *, open_dialog="", errors=None):
    """After an action (done or refused): htmx gets the refreshed tab with the overview
    strip and the toasts out of band; a plain form gets a redirect back to the tab, or the
    page with the dialog reopened when a field needs fixing."""
    errors = errors or {}
    if not request.htmx and not open_dialog:
        return redirect(_tab_url(agent_id, tab_name))
    # Re-read after the action so the strip and the tab show the new pointers.
    agent = _agent_with_status(request, agent_id)
    context = _page_context(
        request,
        agent,
        tab_name,
        open_dialog=open_dialog,
        errors=errors,
        posted_message=request.POST.get("message", "") if open_dialog else "",
    )
    if not request.htmx:
        return render(request, AGENT_PAGE, context, status=422)
    html = render_to_string(f"{AGENT_PAGE}#tab", context, request)
    html += render_to_string(f"{AGENT_PAGE}#overview", {**context, "oob": True}, request)
    html += render_to_string("partials/toasts_oob.html", context, request)
    # 200 even for refusals: htmx swaps only successful responses, and the refreshed tab
    # plus the error toast is exactly what the user should see.
    return HttpResponse(html)


def _perform(request, agent_id, tab_name: str, dialog_id: str, action: Callable[[], str]):
    try:
        done = action()
    except InvalidInput as error:
        messages.error(request, error.message)
        return _respond_after_action(
            request, agent_id, tab_name, open_dialog=dialog_id, errors=error.errors
        )
    except RuleViolation as error:
        messages.error(request, error.message)
        if error.code == "confirmation_required":
            return _respond_after_action(
                request,
                agent_id,
                tab_name,
                open_dialog=dialog_id,
                errors={"confirm": error.message},
            )
        return _respond_after_action(request, agent_id, tab_name)
    except NotAllowed as error:
        messages.error(request, error.message)
        return _respond_after_action(request, agent_id, tab_name)
    messages.success(request, done)
    return _respond_after_action(request, agent_id, tab_name)


def _get_deployment(agent: Agent, deployment_id) -> Deployment:
    return get_object_or_404(
        Deployment.objects.select_related("agent", "version"), pk=deployment_id, agent=agent
    )


@agent_post
def promote(request, agent, deployment_id):
    """Promote a deployment to `target` (the next environment when absent). Live needs the
    dialog's checkbox, `confirm`."""
    agent_id = agent.pk
    deployment = _get_deployment(agent, deployment_id)
    target = request.POST.get("target") or None
    tab_name = parse_tab(request.POST.get("tab") or deployment.environment)
    dialog_id = f"promote-{target or 'next'}-{deployment.pk}"

    def action() -> str:
        created = deployment_promote(
            actor=actor_for(request),
            deployment=deployment,
            target_environment=target,
            message=request.POST.get("message", ""),
            confirmed=bool(request.POST.get("confirm")),
        )
        return f"V{created.version.number} promoted to {environment_label(created.environment)}."

    return _perform(request, agent_id, tab_name, dialog_id, action)


@agent_post
def rollback(request, agent, deployment_id):
    """Roll the deployment's environment back (see deployment_rollback for which version)."""
    agent_id = agent.pk
    deployment = _get_deployment(agent, deployment_id)
    tab_name = parse_tab(request.POST.get("tab") or deployment.environment)

    def action() -> str:
        created = deployment_rollback(
            actor=actor_for(request),
            deployment=deployment,
            message=request.POST.get("message", ""),
        )
        label = environment_label(created.environment)
        return f"{label} rolled back to V{created.version.number}."

    return _perform(request, agent_id, tab_name, f"rollback-{deployment.pk}", action)


@agent_post
def undeploy(request, agent):
    """Take an environment (Live from the page) offline."""
    agent_id = agent.pk
    environment = request.POST.get("environment") or EnvironmentName.LIVE
    tab_name = parse_tab(request.POST.get("tab") or environment)

    def action() -> str:
        created = deployment_undeploy(
            actor=actor_for(request),
            agent=agent,
            environment=environment,
            message=request.POST.get("message", ""),
        )
        label = environment_label(created.environment)
        return f"{label} undeployed: V{created.version.number} no longer receives traffic."

    return _perform(request, agent_id, tab_name, "undeploy-dialog", action)


@agent_post
def draft_publish(request, agent):
    """The banner's Publish: a new version (unless the draft is unchanged) deployed to Sandbox."""
    form = PublishForm(request.POST, auto_id=f"publish_{agent.pk}_%s")
    if form.is_valid():
        name, description = form.cleaned_data["name"], form.cleaned_data["description"]
        latest_before = latest_version(agent)
        try:
            deployment, deployed = deployment_publish(
                actor=actor_for(request),
                agent=agent,
                environment="sandbox",
                message=description,
                version_name=name,
                version_description=description,
                base_revision=form.cleaned_data["base_revision"],
            )
        except InvalidInput as error:
            errors_for_fields(form, error.errors or {"document": error.message})
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            version = deployment.version
            if latest_before is None or version.number > latest_before.number:
                messages.success(
                    request, f"Published V{version.number} “{version.name}” to Sandbox."
                )
            elif deployed:
                messages.info(
                    request,
                    f"The draft is the same as V{version.number}, so no new version was "
                    f"created; V{version.number} is now in Sandbox.",
                )
            else:
                messages.info(
                    request,
                    f"Nothing to publish: the draft is the same as V{version.number}, "
                    "which is already in Sandbox.",
                )
            return back_to_page(request, agent)
    if request.htmx:
        context = banner_context(agent, publish_form=form)
        return render(request, f"{BANNER}#publish_form", context)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return back_to_page(request, agent)
