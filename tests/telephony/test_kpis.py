"""Calls count in every channel KPI: a call the assistant answered is a self-service contact
on the automated voice channel, a call an agent took is a phone contact."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.insights.models import DailyCount, Kpi
from borough.insights.services import counts_rebuild
from borough.telephony import services

from .conftest import REPAIRS

pytestmark = pytest.mark.django_db


def _call(caller: str):
    routing = services.route_call(dialled=REPAIRS, caller=caller)
    return services.call_started(dialled=REPAIRS, caller=caller, channel="sip", routing=routing)


def _count(kpi: str, channel: str) -> int:
    rows = DailyCount.objects.filter(kpi=kpi, channel=channel)
    return rows.aggregate(n=Sum("value"))["n"] or 0


def test_calls_count_as_voice_and_phone_contacts(plan, agent):
    services.call_ended(_call("+447700900001"), outcome="resolved")
    services.call_ended(_call("+447700900002"), outcome="resolved")
    taken = _call("+447700900003")
    services.call_wants_person(taken, reason="Repair")
    services.agent_phone_save(actor=StaffActor(agent), sip_address="sip:a@pbx.example")
    services.call_take(call=taken, actor=StaffActor(agent))
    services.call_ended(taken, outcome="transferred")
    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    assert _count(Kpi.CONTACTS, "voice") == 2
    assert _count(Kpi.CONTACTS_SELF_SERVICE, "voice") == 2
    assert _count(Kpi.CONTACTS, "phone") == 1
    assert _count(Kpi.CONTACTS_SELF_SERVICE, "phone") == 0
