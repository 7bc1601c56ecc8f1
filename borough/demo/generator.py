"""The demo borough: a realistic, reproducible synthetic council area with a year of activity.

Everything comes from one ``random.Random(seed)`` (``context.Demo``), so the same ``--residents``
and ``--seed`` always give the same borough. Rows are written in large batches (``fast_insert``)
inside one transaction: 100,000 residents take well under two minutes on SQLite (see
docs/benchmarks.md).

Answers are made from each service's form definition and follow its routing, so every demo case
passes the same validation as a real one (a test re-checks a sample).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from borough.cases.models import Case
from borough.cases.response_templates import response_templates_seed
from borough.catalogue.services import catalogue_load
from borough.places.models import Property

from .activity import make_activity
from .context import Demo, Summary
from .directory import make_directory
from .governance import make_information_requests
from .inclusion import make_inclusion
from .integrations import make_integrations
from .organisations import make_organisations
from .people import make_people, make_resident_account, make_staff
from .places import make_places
from .street import make_zones_and_land
from .telephony import make_telephony

#: The steps :func:`generate` tells its ``step`` of, in order.
STEPS = (
    "loading the catalogue",
    "places",
    "people",
    "staff",
    "a year of activity",
    "a resident's sign-in",
    "other systems and information requests",
    "the community directory",
)


def build(demo: Demo, step: Callable[[str], None]) -> Summary:
    """Make every part of the borough, in the order that draws the random numbers."""
    step(STEPS[0])
    catalogue_load()
    response_templates_seed()
    with transaction.atomic():
        step(STEPS[1])
        properties = make_places(demo)
        step(STEPS[2])
        residents, home_of = make_people(demo, properties)
        step(STEPS[3])
        staff = make_staff(demo)
        step(STEPS[4])
        make_activity(demo, residents, home_of, properties, staff)
        step(STEPS[5])
        make_resident_account(demo)
        step(STEPS[6])
        make_integrations(demo, staff)
        make_information_requests(demo, staff)
        make_directory(demo)
        make_zones_and_land(demo)
        make_organisations(demo)
        make_inclusion(demo, staff)
        make_telephony(demo, staff)
    return demo.summary


def database_is_empty() -> bool:
    return not Property.objects.exists() and not Case.objects.exists()


def generate(
    *,
    residents: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    step: Callable[[str], None] | None = None,
) -> Summary:
    """Make the demo borough in an empty database. Raises ``ValueError`` if it is not empty.

    ``progress`` is told what each part made (a line for the person running the command),
    ``step`` each of the :data:`STEPS` as it starts (for a progress bar)."""
    if residents < 10:
        raise ValueError("The demo borough needs at least 10 residents")
    if not database_is_empty():
        raise ValueError(
            "The database already has places or cases; the demo borough is only "
            "made in an empty database"
        )
    demo = Demo(residents=residents, seed=seed, progress=progress)
    return build(demo, step or (lambda name: None))
