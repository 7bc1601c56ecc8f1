"""What a device sends, and the checks a message passes before it is stored (no Django here).

Topic: ``borough/homes/v1/<device id>/telemetry``: the device's opaque id and nothing about who
lives there. Payload: JSON, for example
``{"at": "2026-12-07T08:00:00Z", "temperature": 17.5, "humidity": 71, "co2": 900,
"boiler": "fault", "fault_code": "F28", "battery": 86}``; every field but ``at`` is optional,
but a message must carry at least one reading. A device that was offline sends what it stored
as one message, ``{"readings": [{...}, {...}]}`` (at most ``MAX_BATCH``), and the whole message
is refused if any reading in it is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import deque
from dataclasses import dataclass

# One broker may carry several councils or environments: BOROUGH_HOMES_TOPIC_PREFIX keeps them
# apart (the tests use their own, so a device publishing beside them is not counted).
TOPIC_PREFIX = os.environ.get("BOROUGH_HOMES_TOPIC_PREFIX", "borough/homes/v1/")


def topic_filter() -> str:
    """What the ingest subscribes to: every device's telemetry."""
    return TOPIC_PREFIX + "+/telemetry"


DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_PAYLOAD_BYTES = 32 * 1024
MAX_BATCH = 192

# Physical range of each value: outside it the sensor is broken, or the message is forged.
RANGES = {
    "temperature": (-30.0, 60.0),
    "humidity": (0.0, 100.0),
    "co2": (250.0, 10000.0),
    "battery": (0.0, 100.0),
}
BOILER_STATES = {"on", "off", "fault"}
FAULT_CODE = re.compile(r"^[A-Za-z0-9-]{1,16}$")
# A device may not be more than this far ahead of the server's clock.
CLOCK_SKEW = dt.timedelta(minutes=10)


class Refused(ValueError):
    """A message that is not stored; ``reason`` is the counter it adds to."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    device_id: str
    at: dt.datetime
    temperature: float | None = None
    humidity: float | None = None
    co2: int | None = None
    boiler: str = ""
    fault_code: str = ""
    battery: int | None = None


def topic_for(device_id: str) -> str:
    return f"{TOPIC_PREFIX}{device_id}/telemetry"


def device_of(topic: str) -> str:
    """The device id a topic names, or ``Refused("bad_topic")``."""
    if not topic.startswith(TOPIC_PREFIX) or not topic.endswith("/telemetry"):
        raise Refused("bad_topic", topic)
    device_id = topic[len(TOPIC_PREFIX) : -len("/telemetry")]
    if not DEVICE_ID.match(device_id):
        raise Refused("bad_topic", topic)
    return device_id


def _number(data: dict, key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused("bad_payload", f"{key} must be a number")
    low, high = RANGES[key]
    if not low <= value <= high:
        raise Refused("out_of_range", f"{key} {value} is outside {low} to {high}")
    return float(value)


def _time(value, now: dt.datetime) -> dt.datetime:
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            at = dt.datetime.fromtimestamp(value, tz=dt.UTC)
        elif isinstance(value, str):
            at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            raise ValueError
    except (ValueError, OverflowError, OSError) as error:
        raise Refused("bad_payload", "at must be an ISO 8601 time or a Unix time") from error
    if at.tzinfo is None:
        raise Refused("bad_payload", "at must carry its time zone")
    if at > now + CLOCK_SKEW:
        raise Refused("out_of_range", "at is in the future")
    return at


def parse(topic: str, payload: bytes, now: dt.datetime) -> list[Message]:
    """One MQTT message's readings, checked, or ``Refused`` with the reason it is counted
    under."""
    device_id = device_of(topic)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise Refused("bad_payload", "payload too large")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise Refused("malformed_json", str(error)) from error
    if not isinstance(data, dict):
        raise Refused("bad_payload", "payload must be a JSON object")
    if "readings" in data:
        readings = data["readings"]
        if not isinstance(readings, list) or not 1 <= len(readings) <= MAX_BATCH:
            raise Refused("bad_payload", f"readings must be a list of 1 to {MAX_BATCH}")
        return [_reading(device_id, item, now) for item in readings]
    return [_reading(device_id, data, now)]


def _reading(device_id: str, data, now: dt.datetime) -> Message:
    if not isinstance(data, dict):
        raise Refused("bad_payload", "a reading must be a JSON object")
    at = _time(data.get("at"), now)
    boiler = data.get("boiler") or ""
    if boiler and boiler not in BOILER_STATES:
        raise Refused("bad_payload", "boiler must be on, off or fault")
    fault_code = data.get("fault_code") or ""
    if fault_code and (not isinstance(fault_code, str) or not FAULT_CODE.match(fault_code)):
        raise Refused("bad_payload", "fault_code must be a short code")
    message = Message(
        device_id=device_id,
        at=at,
        temperature=_number(data, "temperature"),
        humidity=_number(data, "humidity"),
        co2=None if (co2 := _number(data, "co2")) is None else int(co2),
        boiler=boiler,
        fault_code=fault_code,
        battery=None if (battery := _number(data, "battery")) is None else int(battery),
    )
    if (
        message.temperature is None
        and message.humidity is None
        and message.co2 is None
        and not message.boiler
    ):
        raise Refused("bad_payload", "no reading in the message")
    return message


class FloodGuard:
    """At most ``limit`` messages from one device in any ``window`` seconds of arrival time
    (a stuck or hijacked device must not crowd out the others); beyond it, refused."""

    def __init__(self, limit: int = 30, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def allow(self, device_id: str, arrived: float) -> bool:
        times = self._seen.setdefault(device_id, deque())
        while times and times[0] <= arrived - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(arrived)
        return True
