"""A member of one workspace asking for another workspace's objects gets 404, never 403."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def _agent_url_names(patterns=None, namespace=""):
    """Every URL name that takes an agent_id, so new pages are covered automatically."""
    patterns = patterns if patterns is not None else get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _agent_url_names(entry.url_patterns, ns)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and "agent_id" in entry.pattern.regex.groupindex
        ) and set(entry.pattern.regex.groupindex) == {"agent_id"}:
            yield f"{namespace}{entry.name}"


def test_there_are_agent_urls_to_check():
    assert "agentbuilder:agent_detail" in set(_agent_url_names())


@pytest.mark.parametrize("url_name", sorted(set(_agent_url_names())))
def test_another_workspaces_agent_is_a_404(client_for, cast, url_name):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    client = client_for("admin")
    url = reverse(url_name, kwargs={"agent_id": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


@pytest.mark.parametrize("url_name", sorted(set(_agent_url_names())))
def test_own_agent_pages_render(client_for, cast, url_name):
    ours = cast.agent("Ours")
    response = client_for("builder").get(reverse(url_name, kwargs={"agent_id": ours.pk}))
    assert response.status_code in (200, 302, 405)
