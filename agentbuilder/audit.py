"""The audit vocabulary: dotted action names with a human label.

Services set `_change_reason` on tracked models to "<action>" or "<action>: <detail>";
the History page reads the label from here.
"""

ACTIONS = {
    "agents.create": "Agent created",
    "drafts.save": "Draft saved",
    "drafts.discard": "Draft deleted (reverted to the latest version)",
    "versions.publish": "Version published",
    "versions.restore": "Version restored into the draft",
    "deployments.publish": "Published",
    "deployments.promote": "Promoted",
    "deployments.rollback": "Rolled back",
    "deployments.undeploy": "Undeployed",
    "numbers.create": "Number added",
    "numbers.update": "Number label changed",
    "numbers.assign": "Number assignment changed",
    "numbers.release": "Number released",
    "apikeys.create": "API key created",
    "apikeys.revoke": "API key revoked",
    "members.add": "Member added",
}


def change_reason(action: str, detail: str = "") -> str:
    assert action in ACTIONS, action
    return f"{action}: {detail}" if detail else action


def split_reason(reason: str | None) -> tuple[str, str]:
    """("deployments.promote", "tests passed") from "deployments.promote: tests passed"."""
    if not reason:
        return "", ""
    action, _, detail = reason.partition(": ")
    return action, detail


def label_for(action: str) -> str:
    return ACTIONS.get(action, action)


def track(instance, *, actor, action: str, detail: str = "") -> None:
    """Attach who and why to the next simple-history row written for `instance`."""
    instance._history_user = actor.user
    instance._change_reason = change_reason(action, detail)
