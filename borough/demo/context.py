"""The demo borough being made: its one random generator, the day it is made on, what it has
made so far, and the helpers every part uses to pick moments, days and references.

Everything comes from one ``random.Random(seed)``, drawn in a fixed order by the parts
(``places``, ``people``, ``activity``, ``answers``), so the same ``--residents`` and ``--seed``
always give the same borough.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from borough.cases.references import ALPHABET


def weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class Summary:
    wards: int = 0
    streets: int = 0
    properties: int = 0
    households: int = 0
    residents: int = 0
    cases: int = 0
    events: int = 0
    contacts: int = 0
    form_sessions: int = 0
    staff: list[str] = field(default_factory=list)
    resident_account: str = ""
    directory: str = ""
    organisations: str = ""
    councillor: str = ""
    inclusion: str = ""


class Demo:
    """The borough being made: ``target`` residents from ``random.Random(seed)``.

    ``progress`` is told what each part made, as a line for the person running the command."""

    def __init__(
        self,
        *,
        residents: int,
        seed: int,
        today: dt.date | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        self.target = residents
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.progress = progress or (lambda message: None)
        self.summary = Summary()
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()

    def moment(self, day: dt.date) -> dt.datetime:
        rng = self.rng
        hour = rng.choices(
            range(24),
            weights=[
                1,
                1,
                1,
                1,
                1,
                2,
                4,
                8,
                12,
                14,
                14,
                13,
                12,
                13,
                13,
                12,
                11,
                10,
                9,
                8,
                6,
                4,
                3,
                2,
            ],
        )[0]
        return dt.datetime(
            day.year,
            day.month,
            day.day,
            hour,
            rng.randint(0, 59),
            rng.randint(0, 59),
            tzinfo=self.tz,
        )

    def day(self) -> dt.date:
        rng = self.rng
        while True:
            day = self.today - dt.timedelta(days=rng.randint(0, 364))
            if day.weekday() < 5 or rng.random() < 0.45:
                return day

    def reference(self, used: set[str]) -> str:
        while True:
            chars = "".join(self.rng.choice(ALPHABET) for _ in range(8))
            reference = f"{chars[:4]}-{chars[4:]}"
            if reference not in used:
                used.add(reference)
                return reference
