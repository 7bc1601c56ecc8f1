"""A borough's worth of devices, played as MQTT messages: most homes are fine, some develop damp
(humid and cold for days), some boilers fail, some sensors drop out. No Django here: the command
``homes_simulate`` registers the devices and publishes what this module makes."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from .telemetry import MAX_BATCH, topic_for

FINE, DAMP, BOILER_FAILS, DROPS_OUT = "fine", "damp", "boiler_fails", "drops_out"


@dataclass(frozen=True)
class SimHome:
    uprn: int
    scenario: str
    env_device: str
    boiler_device: str
    room: str


def homes(
    uprns: list[int], *, damp: int, boilers: int, silent: int, seed: int = 27
) -> list[SimHome]:
    """One environment sensor and one boiler monitor per home; the first ``damp`` homes develop
    damp, the next ``boilers`` boilers fail, the next ``silent`` sensors drop out."""
    rng = random.Random(seed)
    rooms = ["bedroom", "bathroom", "kitchen", "living_room"]
    out = []
    for index, uprn in enumerate(uprns):
        if index < damp:
            scenario = DAMP
        elif index < damp + boilers:
            scenario = BOILER_FAILS
        elif index < damp + boilers + silent:
            scenario = DROPS_OUT
        else:
            scenario = FINE
        # Opaque ids: the topic says nothing about the home or who lives there.
        token = f"{rng.getrandbits(40):010x}"
        out.append(SimHome(uprn, scenario, f"env-{token}", f"blr-{token}", rng.choice(rooms)))
    return out


def _env(home: SimHome, at: dt.datetime, rng: random.Random) -> dict:
    daily = math.sin((at.hour - 6) / 24 * 2 * math.pi)
    if home.scenario == DAMP:
        temperature, humidity = 14.5 + daily, 80 + 4 * rng.random()
    else:
        temperature, humidity = 19.5 + 1.5 * daily, 50 + 8 * rng.random()
    return {
        "at": at.isoformat(),
        "temperature": round(temperature + rng.uniform(-0.3, 0.3), 1),
        "humidity": round(humidity, 1),
        "co2": int(600 + 400 * rng.random()),
        "battery": 80,
    }


def _boiler(home: SimHome, at: dt.datetime, now: dt.datetime) -> dict:
    failed = home.scenario == BOILER_FAILS and now - at < dt.timedelta(hours=2)
    return {
        "at": at.isoformat(),
        "boiler": "fault" if failed else ("on" if 6 <= at.hour <= 22 else "off"),
        **({"fault_code": "F28"} if failed else {}),
    }


def history(
    sim_homes: list[SimHome], *, now: dt.datetime, hours: int, silent_for: int = 48, seed: int = 27
) -> Iterator[tuple[str, bytes]]:
    """Each device's last ``hours`` hourly readings as stored-and-forwarded messages (up to
    ``MAX_BATCH`` readings each); a sensor that drops out stops ``silent_for`` hours ago."""
    rng = random.Random(seed)
    now = now.replace(minute=0, second=0, microsecond=0)
    for home in sim_homes:
        last = now - dt.timedelta(hours=silent_for) if home.scenario == DROPS_OUT else now
        times = [now - dt.timedelta(hours=h) for h in range(hours, -1, -1)]
        times = [t for t in times if t <= last]
        for device, make in (
            (home.env_device, lambda t, home=home: _env(home, t, rng)),
            (home.boiler_device, lambda t, home=home: _boiler(home, t, now)),
        ):
            for start in range(0, len(times), MAX_BATCH):
                chunk = [make(t) for t in times[start : start + MAX_BATCH]]
                yield topic_for(device), json.dumps({"readings": chunk}).encode()


def live(
    sim_homes: list[SimHome], *, at: dt.datetime, seed: int = 27
) -> Iterator[tuple[str, bytes]]:
    """One live message from each environment sensor still talking (a bench's steady stream)."""
    rng = random.Random(seed)
    for home in sim_homes:
        if home.scenario != DROPS_OUT:
            yield topic_for(home.env_device), json.dumps(_env(home, at, rng)).encode()
