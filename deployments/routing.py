"""Call routing: which configuration answers a phone number. (The numbers issue builds
the resolver; the pipeline only needs the invalidation hook.)"""


def invalidate_agent(agent_id) -> None:
    """Forget every cached routing answer that depends on `agent_id`'s environments.

    Called after commit by every publish, promote, rollback and undeploy.
    """
