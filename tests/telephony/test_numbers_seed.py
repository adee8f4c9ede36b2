from io import StringIO

import pytest
from django.core.management import call_command

from telephony.models import NumberAssignment, PhoneNumber

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_each_demo_agent_a_number_following_live_once():
    call_command("seed_demo", password="pw-123456", stdout=StringIO())
    call_command("seed_demo", password="pw-123456", stdout=StringIO())
    assignments = NumberAssignment.objects.select_related("agent", "phone_number")
    assert sorted((a.agent.name, a.phone_number.number) for a in assignments) == [
        ("Acme Helpdesk", "+442079460103"),
        ("Bella Tavola Reservations", "+442079460101"),
        ("Northgrid Billing Support", "+442079460102"),
    ]
    assert {v.environment for a in assignments for v in a.variants.all()} == {"live"}
    assert PhoneNumber.objects.count() == 3
