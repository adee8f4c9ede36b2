from agentbuilder.models import Membership


def workspace(request):
    """The current workspace, role and the switcher's choices, for the base layout."""
    membership = getattr(request, "membership", None)
    if not membership:
        return {}
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace,
        "current_role": membership.role,
        "switchable_memberships": lambda: list(
            Membership.objects.filter(user=request.user)
            .select_related("workspace")
            .order_by("workspace__name")
        ),
    }
