import pytest
from django.urls import reverse

from agentbuilder.demo import RESTAURANT

pytestmark = pytest.mark.django_db


def test_smoke(client_for, cast):
    agent = cast.agent("Bella", document=RESTAURANT)
    response = client_for("builder").get(reverse("agentbuilder:agent_detail", args=[agent.pk]))
    assert response.status_code == 200
    open("/tmp/editor.html", "wb").write(response.content)
