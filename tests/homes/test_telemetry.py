"""What a device may send (no database): each refusal names the counter it adds to."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from borough.homes.telemetry import MAX_BATCH, FloodGuard, Refused, parse, topic_for

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
DEVICE = "env-0a1b2c3d4e"


def _refused(payload, topic=None) -> str:
    topic = topic or topic_for(DEVICE)
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with pytest.raises(Refused) as refused:
        parse(topic, raw, NOW)
    return refused.value.reason


def test_good_messages_and_stored_batches_parse():
    one = parse(
        topic_for(DEVICE), b'{"at": "2026-12-07T08:45:00Z", "humidity": 71.5, "co2": 900}', NOW
    )
    assert one[0].humidity == 71.5 and one[0].co2 == 900 and one[0].device_id == "env-0a1b2c3d4e"
    start = NOW.timestamp() - 3600
    stored = {"readings": [{"at": start + 900 * i, "temperature": 18} for i in range(3)]}
    assert len(parse(topic_for(DEVICE), json.dumps(stored).encode(), NOW)) == 3


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{nope", "malformed_json"),
        (b"\xff\xfe", "malformed_json"),
        ([1, 2], "bad_payload"),
        ({"at": "2026-12-07T08:00:00", "humidity": 50}, "bad_payload"),  # no time zone
        ({"at": "2026-12-07T10:00:00Z", "humidity": 50}, "out_of_range"),  # in the future
        ({"at": "2026-12-07T08:00:00Z"}, "bad_payload"),  # no reading
        ({"at": "2026-12-07T08:00:00Z", "humidity": "wet"}, "bad_payload"),
        ({"at": "2026-12-07T08:00:00Z", "humidity": True}, "bad_payload"),
        ({"at": "2026-12-07T08:00:00Z", "co2": 50}, "out_of_range"),
        ({"at": "2026-12-07T08:00:00Z", "boiler": "exploded"}, "bad_payload"),
        ({"at": "2026-12-07T08:00:00Z", "boiler": "fault", "fault_code": "F 28;"}, "bad_payload"),
        ({"readings": []}, "bad_payload"),
        (
            {"readings": [{"at": "2026-12-07T08:00:00Z", "humidity": 50}] * (MAX_BATCH + 1)},
            "bad_payload",
        ),
        ({"readings": [{"at": "2026-12-07T08:00:00Z", "humidity": 500}]}, "out_of_range"),
        (b"[" * 5000 + b"]" * 5000, "malformed_json"),  # nested past any reading
        (b" " * 40_000 + b"{}", "bad_payload"),  # too large
    ],
)
def test_bad_messages_are_refused_with_their_reason(payload, reason):
    assert _refused(payload) == reason


def test_topics_other_than_a_devices_telemetry_are_refused():
    assert _refused({"humidity": 50}, topic="borough/homes/v1/a/b/telemetry") == "bad_topic"
    assert _refused({"humidity": 50}, topic="other/topic") == "bad_topic"


def test_the_flood_guard_lets_a_device_speak_again_after_the_window():
    guard = FloodGuard(limit=2, window=60)
    assert [guard.allow("d", t) for t in (0, 1, 2)] == [True, True, False]
    assert guard.allow("other", 2) is True
    assert guard.allow("d", 61) is True
