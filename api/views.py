"""The API keys page: list, create (the raw key shown once) and revoke workspace keys."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agentbuilder import policy
from agentbuilder.access import actor_for, member_required
from agentbuilder.errors import InvalidInput, NotAllowed
from api.models import ApiKey, ApiKeyRole
from api.services import api_key_create, api_key_revoke

PAGE_SIZE = 50


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=64,
        help_text="Letters, digits, dots, dashes or underscores, e.g. github-actions.",
    )
    role = forms.ChoiceField(
        choices=ApiKeyRole.choices,
        initial=ApiKeyRole.BUILDER,
        help_text="Builder keys publish and promote to Pre-release; ops keys also promote to "
        "Live, roll back and undeploy.",
    )


def api_keys_for_workspace(workspace):
    """Active keys first, then revoked ones; by name within each."""
    return (
        ApiKey.objects.filter(workspace=workspace)
        .select_related("created_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "name", "pk")
    )


def _render(request, *, form=None, new_key=None, created=None, status=200):
    may_manage = policy.may(request.role, "apikeys.manage")
    page = Paginator(api_keys_for_workspace(request.workspace), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "api_keys",
        "page": page,
        "may_manage": may_manage,
        "why_not": policy.why_not("apikeys.manage"),
        "form": form or ApiKeyForm(),
        "new_key": new_key,
        "created": created,
    }
    template = "api/api_keys.html"
    if request.htmx and not request.htmx.boosted:
        template += "#keys"
        # htmx 2 does not swap 4xx responses by default: send form errors and refusals
        # as 200 so they replace the region (plain form posts keep the real status).
        status = 200
    return render(request, template, context, status=status)


# never_cache: the create response is the only one that ever contains a raw key (no-store).
@never_cache
@require_http_methods(["GET", "POST"])
@member_required
def api_keys_index(request):
    """GET lists the keys; POST (admins) creates one and shows its raw key once."""
    if request.method == "GET":
        return _render(request)
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=422)
    try:
        api_key, raw_key = api_key_create(
            actor=actor_for(request),
            workspace=request.workspace,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
        )
    except NotAllowed as error:
        messages.error(request, error.message)
        return _render(request, status=403)
    except InvalidInput as error:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
        if not error.errors:
            form.add_error(None, error.message)
        return _render(request, form=form, status=422)
    return _render(request, new_key=raw_key, created=api_key)


@require_POST
@member_required
def api_key_revoke_view(request, key_id: int):
    """Revoke at once (after the confirmation dialog); the next request with it gets 401."""
    api_key = get_object_or_404(ApiKey, pk=key_id, workspace=request.workspace)
    try:
        api_key_revoke(actor=actor_for(request), api_key=api_key)
    except NotAllowed as error:
        messages.error(request, error.message)
        if request.htmx:
            return _render(request, status=403)
        return redirect("apikeys:index")
    messages.success(
        request, f"API key “{api_key.name}” revoked. Requests with it now get 401 Unauthorized."
    )
    if request.htmx:
        return _render(request)
    return redirect("apikeys:index")
