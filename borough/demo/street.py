"""The demo borough's controlled parking zones and land ownership (issue 19): two zones of a
few streets each, and who owns the land along each street, so the resident parking permit and
fly-tipping processes route the demo's requests. Made from the streets' order, drawing no
random numbers (the rest of the demo stays as it was)."""

from __future__ import annotations

from borough.places.models import Street
from borough.processes.models import LandOwner, LandOwnerKind, ParkingZone

from .context import Demo

# Who owns the land along the demo's streets, in turn; every eleventh street is not recorded
# (an officer says who owns it when fly-tipping is reported there).
OWNERS = [
    (LandOwnerKind.COUNCIL_HIGHWAY, ""),
    (LandOwnerKind.COUNCIL_HOUSING, "Council housing estate"),
    (LandOwnerKind.PRIVATE, "Private landowner"),
    (LandOwnerKind.OTHER_PUBLIC, "Network Rail"),
    (LandOwnerKind.COUNCIL_HIGHWAY, ""),
    (LandOwnerKind.COUNCIL_PARK, "Council park"),
    (LandOwnerKind.COUNCIL_HIGHWAY, ""),
    (LandOwnerKind.COUNCIL_HOUSING, "Council housing estate"),
    (LandOwnerKind.COUNCIL_HIGHWAY, ""),
    (LandOwnerKind.COUNCIL_PARK, "Council park"),
]


def make_zones_and_land(demo: Demo) -> None:
    streets = list(Street.objects.order_by("usrn").values_list("usrn", flat=True))
    size = min(4, max(1, len(streets) // 5))  # a fifth of the streets each, one to four
    zone_a = ParkingZone.objects.create(code="A", name="Town centre")
    zone_a.streets.add(*streets[:size])
    zone_b = ParkingZone.objects.create(code="B", name="Station")
    zone_b.streets.add(*streets[size : 2 * size])
    rows = []
    for index, usrn in enumerate(streets):
        if index % 11 == 10:
            continue
        kind, name = OWNERS[index % len(OWNERS)]
        contact = "fly-tipping@networkrail.example" if kind == LandOwnerKind.OTHER_PUBLIC else ""
        rows.append(LandOwner(street_id=usrn, kind=kind, owner_name=name, contact=contact))
    LandOwner.objects.bulk_create(rows, batch_size=500)
