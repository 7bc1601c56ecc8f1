"""Recordings go when their line's retention period ends, through the retention schedule,
and a legal hold on the caller keeps theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from borough.core.actors import SystemActor
from borough.governance.models import LegalHold
from borough.governance.retention import retention_apply
from borough.telephony import services
from borough.telephony.models import CallRecording
from tests.factories import ResidentFactory

from .conftest import REPAIRS, wav

pytestmark = pytest.mark.django_db


def _recorded(caller: str, *, days_ago: int) -> CallRecording:
    routing = services.route_call(dialled=REPAIRS, caller=caller)
    call = services.call_started(dialled=REPAIRS, caller=caller, channel="sip", routing=routing)
    services.recording_notice_played(call)
    services.store_recording(call, audio_wav=wav())
    recording = CallRecording.objects.get(call=call)
    shift = dt.timedelta(days=days_ago)
    CallRecording.objects.filter(pk=recording.pk).update(
        stored_at=recording.stored_at - shift, delete_after=recording.delete_after - shift
    )
    return recording


def test_recordings_past_their_lines_period_are_deleted_with_their_files(
    plan, django_capture_on_commit_callbacks
):
    old = _recorded("+447700900001", days_ago=31)  # the line keeps them 30 days
    recent = _recorded("+447700900002", days_ago=29)
    held_person = ResidentFactory(phone="+447700900003")
    held = _recorded("+447700900003", days_ago=40)
    LegalHold.objects.create(
        resident=held_person, reason="Tribunal", placed_by="Officer", placed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(actor=SystemActor("tests"))
    assert set(CallRecording.objects.values_list("pk", flat=True)) == {recent.pk, held.pk}
    assert not default_storage.exists(old.audio.name)
    assert default_storage.exists(recent.audio.name)
    assert run.counts["call_recordings"] == 1 and run.spared["call_recordings"] == 1
