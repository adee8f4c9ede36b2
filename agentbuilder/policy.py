"""Who may do what. Views, the API and templates all ask here; nothing else decides.

Roles: builder < ops < admin. Builders edit drafts, publish to Sandbox and promote to
Pre-release; ops also promote to Live, roll back and undeploy; admins do everything,
including phone numbers, API keys and members.
"""

from agentbuilder.errors import NotAllowed
from agentbuilder.models import Role

RANK = {Role.BUILDER: 1, Role.OPS: 2, Role.ADMIN: 3}

# The lowest role that may put a version into each environment (publish or promote).
DEPLOY_TO = {"sandbox": Role.BUILDER, "pre-release": Role.BUILDER, "live": Role.OPS}

ACTION_MIN_ROLE = {
    "draft.edit": Role.BUILDER,
    "version.publish": Role.BUILDER,
    "version.restore": Role.BUILDER,
    "deployment.rollback": Role.OPS,
    "deployment.undeploy": Role.OPS,
    "numbers.edit": Role.ADMIN,
    "apikeys.manage": Role.ADMIN,
    "connections.manage": Role.ADMIN,
}

REASONS = {
    Role.OPS: "Only ops and admins can do this.",
    Role.ADMIN: "Only admins can do this.",
}


def role_at_least(role: str, minimum: str) -> bool:
    return RANK.get(role, 0) >= RANK[minimum]


def may(role: str, action: str) -> bool:
    return role_at_least(role, ACTION_MIN_ROLE[action])


def may_deploy_to(role: str, environment: str) -> bool:
    return role_at_least(role, DEPLOY_TO[environment])


def why_not(action: str) -> str:
    return REASONS.get(ACTION_MIN_ROLE[action], "You cannot do this.")


def why_not_deploy_to(environment: str) -> str:
    if DEPLOY_TO[environment] == Role.OPS:
        return "Only ops and admins can promote to Live."
    return "You cannot deploy to this environment."


# What an API key is told instead of REASONS, where a role name would read oddly for a key.
KEY_REASONS = {"numbers.edit": "Only admin keys can change numbers."}


def ensure_may(actor, action: str) -> None:
    """Raise NotAllowed, with the reason people see, unless `actor` may do `action`."""
    if not may(actor.role, action):
        reason = KEY_REASONS.get(action) if getattr(actor, "api_key_name", None) else None
        raise NotAllowed(reason or why_not(action))


def ensure_may_deploy_to(actor, environment: str) -> None:
    if not may_deploy_to(actor.role, environment):
        raise NotAllowed(why_not_deploy_to(environment))
