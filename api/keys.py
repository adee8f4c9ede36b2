"""A shared-cache front for API key lookups, so a warm API call costs no query for its key.

Only used when the cache is shared by every app process (Redis: `API_KEY_CACHE_SECONDS`
is 0 otherwise), because revocation must take effect at once on every server.

Revocation writes a tombstone after commit; readers only ever `add` (set-if-absent). So a
request that read the key from the database just before the revocation committed cannot
put it back into the cache: either its `add` comes first and the tombstone overwrites it,
or the tombstone is there first and the `add` does nothing.
"""

from django.conf import settings
from django.core.cache import cache

from api.models import ApiKey

PREFIX = "apikey:v1:"
REVOKED = "revoked"
TOMBSTONE_SECONDS = 24 * 3600
TOUCH_SECONDS = 60


def _lookup(key_hash: str) -> ApiKey | None:
    return (
        ApiKey.objects.select_related("workspace", "user")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )


def api_key_for_hash(key_hash: str) -> ApiKey | None:
    """The unrevoked key with this hash, from the cache when it is shared."""
    seconds = settings.API_KEY_CACHE_SECONDS
    if not seconds:
        return _lookup(key_hash)
    entry = cache.get(PREFIX + key_hash)
    if entry == REVOKED:
        return None
    if entry is not None:
        return entry
    api_key = _lookup(key_hash)
    if api_key is not None:
        cache.add(PREFIX + key_hash, api_key, timeout=seconds)
    return api_key


def forget_api_key(key_hash: str) -> None:
    """After a revocation commits: no server may answer from a cached copy any more."""
    if settings.API_KEY_CACHE_SECONDS:
        cache.set(PREFIX + key_hash, REVOKED, timeout=TOMBSTONE_SECONDS)


def should_touch(api_key: ApiKey) -> bool:
    """Whether this request should write last_used_at: at most once a minute per key
    (it is shown in the keys list; writing it on every call would make every read a write)."""
    if settings.API_KEY_CACHE_SECONDS:
        return cache.add(f"{PREFIX}touched:{api_key.pk}", 1, timeout=TOUCH_SECONDS)
    return True
