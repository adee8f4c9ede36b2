from django.utils.functional import SimpleLazyObject

SESSION_KEY = "workspace_slug"


def _current_membership(request):
    from agentbuilder.models import Membership

    if not request.user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=request.user).select_related("workspace")
    slug = request.session.get(SESSION_KEY)
    if slug:
        chosen = memberships.filter(workspace__slug=slug).first()
        if chosen:
            return chosen
    return memberships.order_by("created_at", "pk").first()


class CurrentWorkspaceMiddleware:
    """Sets `request.membership` (lazily): the signed-in user's membership in the workspace
    they chose with the switcher, or their first one. Views read the workspace and role
    from it; nothing reads a workspace from the URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _current_membership(request))
        return self.get_response(request)
