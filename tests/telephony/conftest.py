"""A small routing plan: a repairs line that records calls and a parking line that does not,
each with a queue, open on weekdays 08:00-18:00."""

from __future__ import annotations

import io
import wave

import pytest

from borough.accounts.models import Team
from borough.telephony.models import CallQueue, Line, PhoneNumber

WEEKDAYS_OPEN = {day: ["08:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
REPAIRS = "+441632960100"
PARKING = "+441632960200"


def wav(seconds: float = 0.1) -> bytes:
    """A real (silent) 8 kHz mono WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * int(8000 * seconds))
    return out.getvalue()


@pytest.fixture
def plan(catalogue):
    repairs_queue = CallQueue.objects.create(
        slug="repairs", name="Repairs", team=Team.objects.get(slug="waste")
    )
    parking_queue = CallQueue.objects.create(slug="parking", name="Parking")
    repairs = Line.objects.create(
        slug="repairs",
        name="Housing repairs",
        service=catalogue["report-missed-bin"],
        team=Team.objects.get(slug="waste"),
        greeting="Housing repairs.",
        opening_hours=WEEKDAYS_OPEN,
        out_of_hours_message="We are closed. For an emergency repair, stay on the line.",
        out_of_hours_transfer="sip:emergency-repairs@pbx.council.example",
        queue=repairs_queue,
        record_calls=True,
        recording_retention_days=30,
        teams_queue_uri="sip:repairs-cq@council.example",
        voicemail_service=catalogue["phone-message"],
    )
    parking = Line.objects.create(
        slug="parking",
        name="Parking",
        greeting="Parking services.",
        opening_hours=WEEKDAYS_OPEN,
        queue=parking_queue,
        record_calls=False,
    )
    PhoneNumber.objects.create(number=REPAIRS, line=repairs)
    PhoneNumber.objects.create(number=PARKING, line=parking)
    return {"repairs": repairs, "parking": parking}
