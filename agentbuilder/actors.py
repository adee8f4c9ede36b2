from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a signed-in member or an API key, with the role they hold
    in the workspace the action happens in."""

    user: AbstractBaseUser
    role: str
    api_key_name: str | None = None

    @property
    def label(self) -> str:
        if self.api_key_name:
            return f"{self.api_key_name} (API key)"
        return self.user.get_username()


def actor_label(user) -> str:
    """How a stored user reference reads in lists: API keys' bot users show the key's name."""
    if user is None:
        return "system"
    username = user.get_username()
    if username.startswith("apikey:"):
        # Bot users of API keys are named "apikey:<workspace>:<key name>:<prefix>".
        return f"{username.split(':')[2]} (API key)"
    return username
