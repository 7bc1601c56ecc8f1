"""The contract the voice gateway calls: routing, the queue, callbacks, voicemail, recording,
and the call as a contact on the resident's history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from borough.cases.models import Case
from borough.contacts.models import Contact
from borough.core.actors import StaffActor
from borough.core.channels import Channel
from borough.people.models import ConsentBasis, ResidentNeed
from borough.telephony import services
from borough.telephony.models import AgentPhone, Call, CallPriority, CallRecording, CallTurn
from borough.telephony.services import (
    CallInvalid,
    RecordingRefused,
    book_callback,
    call_ended,
    call_signs,
    call_started,
    call_take,
    call_turn,
    call_wants_person,
    leave_voicemail,
    queue_position,
    recording_notice_played,
    route_call,
    store_recording,
    transfer_target,
)
from tests.factories import ResidentFactory

from .conftest import PARKING, REPAIRS, wav

LONDON = ZoneInfo("Europe/London")
TUESDAY_NOON = dt.datetime(2026, 12, 8, 12, 0, tzinfo=LONDON)
TUESDAY_EVENING = dt.datetime(2026, 12, 8, 19, 0, tzinfo=LONDON)
BOXING_DAY_MONDAY = dt.datetime(2022, 12, 26, 12, 0, tzinfo=LONDON)  # a substitute bank holiday

pytestmark = pytest.mark.django_db


def _call(dialled=REPAIRS, caller="+447700900001", **kwargs) -> Call:
    routing = route_call(dialled=dialled, caller=caller)
    return call_started(dialled=dialled, caller=caller, channel="sip", routing=routing, **kwargs)


def test_a_number_in_the_plan_is_routed_to_its_line_in_hours(plan):
    routing = route_call(dialled="sip:+441632960100@sbc.example", caller="", at=TUESDAY_NOON)
    assert routing.line == plan["repairs"]
    assert routing.open_now is True
    assert routing.greeting == "Housing repairs."
    assert routing.service_slug == "report-missed-bin"
    assert routing.queue.slug == "repairs"
    assert routing.record_calls is True and "recorded" in routing.recording_notice


def test_out_of_hours_the_line_gives_its_message_and_emergency_route(plan):
    routing = route_call(dialled="01632 960100", caller="", at=TUESDAY_EVENING)
    assert routing.open_now is False
    assert routing.out_of_hours_message.startswith("We are closed")
    assert routing.out_of_hours_transfer == "sip:emergency-repairs@pbx.council.example"
    assert route_call(dialled=REPAIRS, caller="", at=BOXING_DAY_MONDAY).open_now is False
    plan["repairs"].closed_on_bank_holidays = False
    plan["repairs"].save()
    assert route_call(dialled=REPAIRS, caller="", at=BOXING_DAY_MONDAY).open_now is True


def test_a_number_not_in_the_plan_has_no_line(plan):
    routing = route_call(dialled="+441632960999", caller="+447700900001")
    assert routing.line is None and routing.open_now is False and routing.greeting == ""


def test_a_change_to_the_plan_applies_to_the_next_call(plan):
    plan["parking"].greeting = "Parking and permits."
    plan["parking"].opening_hours = {}
    plan["parking"].save()
    routing = route_call(dialled=PARKING, caller="", at=TUESDAY_NOON)
    assert routing.greeting == "Parking and permits." and routing.open_now is False
    # A line that does not record reads no notice.
    assert routing.recording_notice == ""


def test_the_caller_is_found_by_their_number_however_it_was_typed(plan):
    resident = ResidentFactory(phone="07700 900 001")
    call = _call(caller="+447700900001")
    assert call.resident == resident
    assert call.channel == "sip" and call.line == plan["repairs"]
    # A number two residents share finds neither.
    ResidentFactory(phone="+44 7700 900002")
    ResidentFactory(phone="07700900002")
    assert _call(caller="+447700900002").resident is None


def test_the_transcript_is_kept_in_order(plan):
    call = _call()
    call_turn(call, speaker="assistant", text="Housing repairs. How can I help?")
    call_turn(call, speaker="caller", text="", dtmf="0")
    assert [(t.speaker, t.text, t.dtmf) for t in CallTurn.objects.filter(call=call)] == [
        ("assistant", "Housing repairs. How can I help?", ""),
        ("caller", "", "0"),
    ]
    with pytest.raises(CallInvalid):
        call_turn(call, speaker="robot", text="hello")


def _need(resident):
    ResidentNeed.objects.create(
        resident=resident,
        need="mobility",
        consent_basis=ConsentBasis.EXPLICIT_CONSENT,
        consent_recorded_at=timezone.now(),
    )


def test_the_queue_puts_urgent_then_vulnerable_then_recorded_needs_then_the_rest(plan):
    normal = _call(caller="+447700900010")
    call_wants_person(normal, reason="A question about my repair")
    with_needs = ResidentFactory(phone="+447700900011")
    _need(with_needs)
    needs = _call(caller="+447700900011")
    assert needs.priority == CallPriority.RECORDED_NEEDS
    call_wants_person(needs, reason="Repair")
    vulnerable = _call(caller="+447700900012")
    call_signs(vulnerable, signs=["bereavement"], urgent=False)
    call_wants_person(vulnerable, reason="Repair")
    urgent = _call(caller="+447700900013")
    call_wants_person(urgent, reason="Repair")
    # Signs said after joining the queue move the call up.
    call_signs(urgent, signs=["self-harm"], urgent=True)
    later_normal = _call(caller="+447700900014")
    call_wants_person(later_normal, reason="Repair")
    assert [queue_position(c)[0] for c in (urgent, vulnerable, needs, normal, later_normal)] == [
        1,
        2,
        3,
        4,
        5,
    ]
    position, wait = queue_position(later_normal)
    assert wait == 5 * services.DEFAULT_SECONDS_PER_PLACE


def test_a_withdrawn_need_does_not_raise_priority(plan):
    resident = ResidentFactory(phone="+447700900020")
    _need(resident)
    ResidentNeed.objects.filter(resident=resident).update(withdrawn_at=timezone.now())
    assert _call(caller="+447700900020").priority == CallPriority.NORMAL


def test_calls_to_another_line_wait_in_their_own_queue(plan):
    repairs = _call()
    call_wants_person(repairs, reason="Repair")
    parking = _call(dialled=PARKING)
    call_wants_person(parking, reason="Permit")
    assert queue_position(parking)[0] == 1 and queue_position(repairs)[0] == 1


def test_an_agent_taking_the_call_gives_the_gateway_their_sip_address(plan, agent):
    call = _call()
    call_wants_person(call, reason="Repair")
    assert transfer_target(call) is None
    AgentPhone.objects.create(user=agent, sip_address="sip:alex@pbx.council.example")
    call_take(call=call, actor=StaffActor(agent))
    assert transfer_target(call) == "sip:alex@pbx.council.example"
    assert queue_position(call) == (0, 0)


def test_without_a_sip_address_the_call_goes_to_the_lines_teams_queue(plan, agent):
    call = _call()
    call_wants_person(call, reason="Repair")
    call_take(call=call, actor=StaffActor(agent))
    assert transfer_target(call) == "sip:repairs-cq@council.example"
    parking = _call(dialled=PARKING)
    call_wants_person(parking, reason="Permit")
    with pytest.raises(CallInvalid, match="SIP address"):
        call_take(call=parking, actor=StaffActor(agent))


def test_a_call_back_takes_the_caller_out_of_the_queue(plan):
    call = _call()
    call_wants_person(call, reason="Repair")
    when = timezone.now() + dt.timedelta(hours=2)
    callback = book_callback(call, when=when, number="07700 900001")
    assert callback.number == "+447700900001" and callback.due_at == when
    assert queue_position(call) == (0, 0)
    with pytest.raises(CallInvalid):
        book_callback(call, when=when, number="not a number")
    with pytest.raises(CallInvalid):
        book_callback(call, when=timezone.now() - dt.timedelta(days=1), number="07700900001")


def test_a_voicemail_becomes_a_request_once(plan):
    resident = ResidentFactory(phone="+447700900030")
    call = _call(caller="+447700900030")
    case = leave_voicemail(call, transcript="My boiler is broken, please call me.", audio_wav=wav())
    assert case.service.slug == "phone-message" and case.channel == Channel.VOICE
    assert case.resident == resident
    assert "My boiler is broken" in case.answers["message"]
    assert leave_voicemail(call, transcript="again", audio_wav=None) == case
    assert Case.objects.count() == 1
    assert CallRecording.objects.filter(call=call).exists()
    contact = call_ended(call, outcome="voicemail")
    assert contact.case == case and Contact.objects.count() == 1


def test_a_voicemail_on_a_line_without_a_service_is_refused(plan):
    with pytest.raises(CallInvalid):
        leave_voicemail(_call(dialled=PARKING), transcript="hello", audio_wav=None)


def test_a_recording_is_refused_before_the_notice_and_on_lines_that_do_not_record(plan):
    call = _call()
    with pytest.raises(RecordingRefused, match="not told"):
        store_recording(call, audio_wav=wav())
    recording_notice_played(call)
    store_recording(call, audio_wav=wav())
    recording = CallRecording.objects.get(call=call)
    assert recording.delete_after - recording.stored_at == dt.timedelta(days=30)
    assert recording.audio.read()[:4] == b"RIFF"
    parking = _call(dialled=PARKING)
    recording_notice_played(parking)
    with pytest.raises(RecordingRefused, match="does not record"):
        store_recording(parking, audio_wav=wav())
    assert CallRecording.objects.count() == 1


def test_a_recording_must_be_audio(plan):
    call = _call()
    recording_notice_played(call)
    with pytest.raises(RecordingRefused):
        store_recording(call, audio_wav=b"not audio at all")


def test_a_call_the_assistant_resolved_is_an_automated_voice_contact(plan):
    resident = ResidentFactory(phone="+447700900040")
    call = _call(caller="+447700900040")
    call_turn(call, speaker="caller", text="When is my bin day?")
    contact = call_ended(call, outcome="resolved")
    assert contact.channel == Channel.VOICE and contact.resident == resident
    assert contact.handled_by is None and contact.is_self_service
    assert contact.outcome == Contact.Outcome.ANSWERED
    assert call_ended(call, outcome="resolved") == contact
    assert Contact.objects.count() == 1


def test_a_call_an_agent_took_is_a_phone_contact_handled_by_them(plan, agent):
    call = _call()
    call_wants_person(call, reason="Repair")
    call_take(call=call, actor=StaffActor(agent))
    contact = call_ended(call, outcome="transferred")
    assert contact.channel == Channel.PHONE and contact.handled_by == agent
    assert not contact.is_self_service


def test_a_caller_who_hangs_up_in_the_queue_is_abandoned(plan):
    call = _call()
    call_wants_person(call, reason="Repair")
    contact = call_ended(call, outcome="abandoned")
    assert contact.outcome == Contact.Outcome.NO_ACTION
    call.queue_entry.refresh_from_db()
    assert call.queue_entry.left_at is not None and call.queue_entry.taken_at is None
    with pytest.raises(CallInvalid):
        call_ended(_call(), outcome="exploded")


def test_the_voicemail_service_is_never_offered_online(catalogue):
    service = catalogue["phone-message"]
    assert service.is_online is False and service.audience == "phone"
