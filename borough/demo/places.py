"""The demo borough's places: wards, streets and their bin rounds, and every property with its
postcode, position and address search text."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.utils import timezone

from borough.core.postcodes import postcode_key
from borough.linkage import wordlists
from borough.places.models import (
    CollectionSchedule,
    Property,
    Street,
    Ward,
    WasteStream,
    build_search_text,
)

from . import names
from .context import Demo
from .fast_insert import fast_insert

BATCH = 5000
CENTRE = (51.5400, -0.4600)


def make_places(demo: Demo) -> list[Property]:
    rng = demo.rng
    wards = [Ward(code=code, name=name) for code, name in names.WARDS]
    Ward.objects.bulk_create(wards)
    wards = list(Ward.objects.order_by("code"))
    households_needed = math.ceil(demo.target / 2.6)
    properties_needed = math.ceil(households_needed * 1.04)
    street_count = max(3, math.ceil(properties_needed / 45))
    combos = [(w, s) for w in wordlists.STREET_WORDS for s in wordlists.STREET_SUFFIXES]
    rng.shuffle(combos)
    streets, used_postcodes = [], set()
    ward_centres = {
        ward.code: (CENTRE[0] + rng.uniform(-0.05, 0.05), CENTRE[1] + rng.uniform(-0.08, 0.08))
        for ward in wards
    }
    street_meta = {}
    for index in range(street_count):
        word, suffix = combos[index % len(combos)]
        town = wordlists.TOWNS[index % len(wordlists.TOWNS)]
        name = f"{word} {suffix}"
        locality = (
            ""
            if index < len(combos)
            else rng.choice(["North", "South", "East", "West", "Upper", "Lower"]) + f" {town}"
        )
        usrn = 20700000 + index
        streets.append(Street(usrn=usrn, name=name, locality=locality, town=town))
        ward = wards[index % len(wards)]
        lat, lng = ward_centres[ward.code]
        # A ward's streets close together (within about 400 metres), so they meet and cross
        # like a neighbourhood's rather than lie a kilometre apart.
        start_lat = lat + rng.uniform(-0.004, 0.004)
        # Each street runs its own way (from its USRN, so the demo's other random choices stay
        # as they were): on the map the borough looks like streets, not parallel dashes.
        angle = random.Random(usrn).uniform(0, math.pi)
        street_meta[usrn] = (
            ward,
            start_lat,
            lng + rng.uniform(-0.006, 0.006),
            math.cos(angle),
            math.sin(angle) / math.cos(math.radians(start_lat)),
        )
    Street.objects.bulk_create(streets, batch_size=BATCH)
    CollectionSchedule.objects.bulk_create(collection_rounds(streets), batch_size=BATCH)
    properties: list[Property] = []
    uprn = 100021000000
    per_street = max(1, math.ceil(properties_needed / street_count))
    for street in streets:
        ward, lat, lng, along_lat, along_lng = street_meta[street.usrn]
        district = rng.choice(wordlists.POSTCODE_DISTRICTS[street.town])
        postcode = ""  # chosen for the first number
        number, in_postcode = 0, 99
        while len(properties) < properties_needed and number < per_street:
            if in_postcode >= rng.randint(12, 20):
                while True:
                    postcode = (
                        f"{district} {rng.randint(1, 9)}"
                        f"{rng.choice(wordlists.POSTCODE_UNIT_LETTERS)}"
                        f"{rng.choice(wordlists.POSTCODE_UNIT_LETTERS)}"
                    )
                    if postcode not in used_postcodes:
                        used_postcodes.add(postcode)
                        break
                in_postcode = 0
            number += 1
            is_block = rng.random() < 0.06
            flats = rng.randint(4, 12) if is_block else 1
            block = f"{rng.choice(wordlists.STREET_WORDS)} {rng.choice(names.BLOCK_NAMES)}"
            for flat in range(1, flats + 1):
                uprn += 1
                sao = f"Flat {flat}" if is_block else ""
                pao = f"{block} {number}" if is_block else str(number)
                # About 13 metres between neighbouring numbers (0.00012 degrees of latitude).
                offset = number * 0.00012
                properties.append(
                    Property(
                        uprn=uprn,
                        usrn_id=street.usrn,
                        sao=sao,
                        pao=str(number) if not is_block else pao,
                        locality=street.locality,
                        town=street.town,
                        postcode=postcode,
                        postcode_key=postcode_key(postcode),
                        latitude=Decimal(f"{lat + offset * along_lat:.6f}"),
                        longitude=Decimal(f"{lng + offset * along_lng:.6f}"),
                        ward=ward,
                        classification="RD06" if is_block else rng.choice(["RD02", "RD03", "RD04"]),
                        is_current=True,
                        search_text=build_search_text(
                            sao=sao,
                            pao=pao,
                            street=street.name,
                            locality=street.locality,
                            town=street.town,
                            postcode=postcode,
                        ),
                    )
                )
                in_postcode += 1
    fast_insert(properties)
    demo.summary.wards, demo.summary.streets = len(wards), len(streets)
    demo.summary.properties = len(properties)
    demo.progress(f"{len(properties):,} properties on {len(streets):,} streets")
    return properties


def collection_rounds(streets: list[Street]) -> list[CollectionSchedule]:
    """Bin rounds: each street has a weekday; general waste and recycling on alternate
    weeks, food waste weekly, garden waste fortnightly. Made without the random generator
    so the rest of the borough stays the same for a seed."""
    today = timezone.localdate()
    week_a = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=10)
    rounds = []
    for index, street in enumerate(streets):
        weekday = index % 5
        first = week_a + dt.timedelta(days=weekday)
        alternate = first + dt.timedelta(weeks=1)
        for stream, every, start in (
            (WasteStream.GENERAL, 2, first if index % 2 else alternate),
            (WasteStream.RECYCLING, 2, alternate if index % 2 else first),
            (WasteStream.FOOD, 1, first),
            (WasteStream.GARDEN, 2, first),
        ):
            rounds.append(
                CollectionSchedule(
                    street_id=street.usrn,
                    stream=stream,
                    weekday=weekday,
                    every_weeks=every,
                    first_date=start,
                )
            )
    return rounds
