"""State changes of API keys: create (the raw key is returned once) and revoke."""

import hashlib
import re
import secrets

from django.db import transaction
from django.utils import timezone

from agentbuilder import policy
from agentbuilder.actors import Actor
from agentbuilder.audit import track
from agentbuilder.errors import InvalidInput
from agentbuilder.services import user_create
from api.keys import forget_api_key
from api.models import ApiKey, ApiKeyRole

API_KEY_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
API_KEY_PREFIX = "arc"


def api_key_hash(raw_key: str) -> str:
    # Keys are 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, actor: Actor | None, workspace, name: str, role: str = ApiKeyRole.BUILDER
) -> tuple[ApiKey, str]:
    """Create an API key; returns (record, raw key). The raw key is shown once and never
    stored: only its hash and a short prefix for recognising it in lists."""
    if actor is not None:
        policy.ensure_may(actor, "apikeys.manage")
    name = name.strip()
    if not API_KEY_NAME_RE.match(name):
        raise InvalidInput(
            "Invalid key name.",
            errors={"name": "Use 1-64 letters, digits, dots, dashes or underscores."},
        )
    if role not in ApiKeyRole.values:
        raise InvalidInput("Unknown role.", errors={"role": "Choose builder, ops or admin."})
    if ApiKey.objects.filter(workspace=workspace, name=name, revoked_at__isnull=True).exists():
        raise InvalidInput(
            "A key with this name exists.", errors={"name": "An active key already has this name."}
        )
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    bot = user_create(
        username=f"apikey:{workspace.slug}:{name}:{prefix}", password=None, is_active=False
    )
    api_key = ApiKey(
        workspace=workspace,
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw_key),
        role=role,
        user=bot,
        created_by=actor.user if actor else None,
    )
    if actor is not None:
        track(api_key, actor=actor, action="apikeys.create", detail=name)
    else:
        api_key._change_reason = "apikeys.create: " + name
    api_key.save()
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, actor: Actor, api_key: ApiKey) -> ApiKey:
    """Revoke a key at once: the next request with it gets 401. The record stays (it names
    the deployments the key made); revoking a revoked key changes nothing."""
    policy.ensure_may(actor, "apikeys.manage")
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        return api_key
    api_key.revoked_at = timezone.now()
    track(api_key, actor=actor, action="apikeys.revoke", detail=api_key.name)
    api_key.save()
    key_hash = api_key.key_hash
    transaction.on_commit(lambda: forget_api_key(key_hash))
    return api_key
