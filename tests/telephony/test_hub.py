"""The hub's call pages and routing plan pages: who may see what, taking a call, call backs,
the wallboard's figures, and the plan's forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from borough.telephony import services
from borough.telephony.models import Call, Line, QueueEntry
from borough.telephony.selectors import wallboard
from tests.factories import ResidentFactory

from .conftest import PARKING, REPAIRS

pytestmark = pytest.mark.django_db


def _waiting(dialled=REPAIRS, caller="+447700900001", reason="Repair") -> Call:
    routing = services.route_call(dialled=dialled, caller=caller)
    call = services.call_started(dialled=dialled, caller=caller, channel="sip", routing=routing)
    services.call_turn(call, speaker="caller", text="My heating is off")
    services.call_wants_person(call, reason=reason)
    return call


def test_the_queue_shows_the_most_urgent_call_first(client, staff_login, plan, agent):
    first = _waiting(caller="+447700900001", reason="First in")
    urgent = _waiting(caller="+447700900002", reason="Second in")
    services.call_signs(urgent, signs=["self-harm"], urgent=True)
    staff_login(client, agent)
    page = client.get("/hub/calls/").content.decode()
    assert page.index("Second in") < page.index("First in")
    assert "Urgent: safeguarding" in page and "self-harm" in page
    assert f"/hub/calls/{first.pk}/" in page


def test_officers_see_only_their_teams_lines(client, staff_login, plan, waste_officer, catalogue):
    from borough.accounts.models import Team

    plan["parking"].team = Team.objects.get(slug="highways")
    plan["parking"].save()
    parking = _waiting(dialled=PARKING, reason="Parking permit")
    _waiting(reason="Repair please")
    staff_login(client, waste_officer)
    page = client.get("/hub/calls/").content.decode()
    assert "Repair please" in page and "Parking permit" not in page
    assert client.get(f"/hub/calls/{parking.pk}/").status_code == 403


def test_an_agent_reads_the_call_and_its_opening_is_audited(client, staff_login, plan, agent):
    resident = ResidentFactory(first_name="Ama", phone="+447700900001")
    call = _waiting()
    staff_login(client, agent)
    page = client.get(f"/hub/calls/{call.pk}/").content.decode()
    assert "My heating is off" in page and "Ama" in page
    assert "Before you are put through" in page and "They want: Repair." in page
    assert AuditEvent.objects.filter(object_type="call", object_id=str(call.pk)).exists()
    assert AuditEvent.objects.filter(object_type="resident", resident_id=resident.pk).exists()


def test_taking_a_call_sets_where_the_gateway_puts_it_through(client, staff_login, plan, agent):
    call = _waiting()
    staff_login(client, agent)
    client.post("/hub/calls/my-phone/", {"sip_address": "sip:agent@pbx.council.example"})
    response = client.post(f"/hub/calls/{call.pk}/take/")
    assert response.status_code == 302
    assert services.transfer_target(call) == "sip:agent@pbx.council.example"
    page = client.post(f"/hub/calls/{call.pk}/take/", follow=True).content.decode()
    assert "put through to" in page


def test_a_bad_sip_address_is_refused_with_a_message(client, staff_login, plan, agent):
    staff_login(client, agent)
    page = client.post("/hub/calls/my-phone/", {"sip_address": "my desk"}).content.decode()
    assert "There is a problem" in page and "must be a SIP address" in page


def test_callbacks_are_listed_and_marked_made(client, staff_login, plan, agent):
    call = _waiting()
    callback = services.book_callback(
        call, when=timezone.now() + dt.timedelta(minutes=10), number="07700900001"
    )
    staff_login(client, agent)
    assert "+447700900001" in client.get("/hub/calls/callbacks/").content.decode()
    client.post(f"/hub/calls/callbacks/{callback.pk}/done/")
    callback.refresh_from_db()
    assert callback.done_at is not None and callback.done_by == agent
    assert "No call backs to make" in client.get("/hub/calls/callbacks/").content.decode()


def _entered(call, *, seconds: int) -> None:
    ago = timezone.now() - dt.timedelta(seconds=seconds)
    QueueEntry.objects.filter(call=call).update(entered_at=ago)


def test_the_wallboard_counts_today(client, staff_login, plan, agent):
    quick = _waiting(caller="+447700900001")
    QueueEntry.objects.filter(call=quick).update(
        entered_at=timezone.now() - dt.timedelta(seconds=30)
    )
    services.agent_phone_save(actor=StaffActor(agent), sip_address="sip:a@pbx.example")
    services.call_take(call=quick, actor=StaffActor(agent))
    slow = _waiting(caller="+447700900002")
    _entered(slow, seconds=300)
    services.call_take(call=slow, actor=StaffActor(agent))
    still = _waiting(caller="+447700900003")
    QueueEntry.objects.filter(call=still).update(
        entered_at=timezone.now() - dt.timedelta(minutes=2)
    )
    services.call_ended(_waiting(caller="+447700900004"), outcome="abandoned")
    routing = services.route_call(dialled=REPAIRS, caller="")
    services.call_ended(
        services.call_started(dialled=REPAIRS, caller="", channel="sip", routing=routing),
        outcome="resolved",
    )
    repairs = next(b for b in wallboard(agent) if b.name == "Housing repairs")
    assert (repairs.waiting, repairs.answered, repairs.answered_in_target) == (1, 2, 1)
    assert repairs.answered_in_target_percent == 50
    assert 115 <= repairs.longest_wait_seconds <= 130
    assert (repairs.abandoned, repairs.resolved_by_assistant, repairs.calls) == (1, 1, 5)
    queue = next(b for b in wallboard(agent) if b.kind == "queue" and b.name == "Repairs")
    assert queue.waiting == 1 and queue.calls == 5
    staff_login(client, agent)
    page = client.get("/hub/calls/wallboard/").content.decode()
    assert "50%" in page and "Check again" in page and " min " in page


def test_only_administrators_see_the_routing_plan(client, staff_login, plan, agent, admin):
    staff_login(client, agent)
    assert client.get("/hub/routing-plan/").status_code == 403
    assert client.post("/hub/routing-plan/lines/parking/", {"name": "x"}).status_code == 403
    staff_login(client, admin)
    page = client.get("/hub/routing-plan/").content.decode()
    assert "Housing repairs" in page and REPAIRS in page and "08:00-18:00" in page


def _line_form(**changes) -> dict:
    form = {
        "slug": "parking",
        "name": "Parking",
        "numbers": PARKING,
        "greeting": "Parking services.",
        "hours-mon": "08:00-12:00, 13:00-17:00",
        "closed_on_bank_holidays": "yes",
        "recording_retention_days": "90",
        "queue": "parking",
    }
    return {**form, **changes}


def test_an_administrator_changes_a_line_and_the_next_call_uses_it(
    client, staff_login, plan, admin
):
    staff_login(client, admin)
    response = client.post("/hub/routing-plan/lines/parking/", _line_form(greeting="New greeting."))
    assert response.status_code == 302
    line = Line.objects.get(slug="parking")
    assert line.opening_hours == {"mon": ["08:00-12:00", "13:00-17:00"]}
    assert services.route_call(dialled=PARKING, caller="").greeting == "New greeting."


def test_a_bad_line_form_keeps_what_was_typed_and_says_what_is_wrong(
    client, staff_login, plan, admin
):
    staff_login(client, admin)
    page = client.post(
        "/hub/routing-plan/lines/parking/",
        _line_form(numbers=REPAIRS, **{"hours-mon": "9 till 5"}, greeting="Kept greeting"),
    ).content.decode()
    assert "There is a problem" in page
    assert "is on line Housing repairs" in page and "must be HH:MM-HH:MM" in page
    assert "Kept greeting" in page
    assert Line.objects.get(slug="parking").greeting == "Parking services."


def test_importing_a_bad_plan_in_the_hub_lists_the_problems(client, staff_login, plan, admin):
    staff_login(client, admin)
    upload = SimpleUploadedFile("plan.yaml", b"version: 1\nlines: [{slug: x, name: X}]\n")
    page = client.post("/hub/routing-plan/import/", {"plan": upload}).content.decode()
    assert "nothing has changed" in page and "greeting is missing" in page
    assert Line.objects.count() == 2
    exported = client.get("/hub/routing-plan/export/?format=json")
    assert exported["Content-Disposition"].endswith('routing-plan.json"')
    good = SimpleUploadedFile("plan.json", exported.content)
    response = client.post("/hub/routing-plan/import/", {"plan": good}, follow=True)
    assert "Routing plan imported: 2 lines, 2 queues, 2 numbers" in response.content.decode()


def test_a_call_is_on_the_residents_history_with_a_link_to_its_transcript(
    client, staff_login, plan, agent
):
    resident = ResidentFactory(phone="+447700900001")
    call = _waiting()
    services.call_ended(call, outcome="abandoned")
    staff_login(client, agent)
    page = client.get(f"/hub/residents/{resident.pk}/").content.decode()
    assert "Phone calls" in page and f"/hub/calls/{call.pk}/" in page
    assert "caller hung up" in page
    # The contact is on the history too: automated voice, never reached a person.
    assert "Automated voice" in page
