from django.contrib import messages
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agentbuilder.access import member_required
from agentbuilder.middleware import SESSION_KEY
from agentbuilder.models import Connection, Membership


@require_POST
@member_required
def workspace_switch(request):
    slug = request.POST.get("workspace", "")
    membership = (
        Membership.objects.filter(user=request.user, workspace__slug=slug)
        .select_related("workspace")
        .first()
    )
    if membership is None:
        messages.error(request, "You are not a member of that workspace.")
    else:
        request.session[SESSION_KEY] = membership.workspace.slug
        messages.success(request, f"Switched to {membership.workspace.name}.")
    return redirect("console:dashboard")


@member_required
def settings_page(request):
    """The workspace, its members and its connections (never their secrets)."""
    members = (
        Membership.objects.filter(workspace=request.workspace)
        .select_related("user")
        .order_by("user__username")
    )
    connections = Connection.objects.filter(workspace=request.workspace).only(
        "key", "display_name", "auth_type", "created_at"
    )
    return render(
        request,
        "agentbuilder/settings.html",
        {"nav": "settings", "members": members, "connections": connections},
    )


@never_cache
def healthz(request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
