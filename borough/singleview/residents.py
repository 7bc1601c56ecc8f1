"""The single view and the hub's residents, joined both ways (issue 17).

A linked person is Borough's resident when Borough's residents are a linkage source and one of
the person's records is that resident (``LinkedPerson.resident``, set on import): "linked".
Otherwise a resident and a person are a "possible match" when the golden record agrees with the
resident on name and date of birth, and on postcode or email (the linkage's own blocking).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from borough.core.postcodes import postcode_key
from borough.people.models import Resident
from borough.people.objections import ProcessingActivity, objectors, objects_to

from .models import GoldenField, LinkedPerson

LINKED = "linked"
POSSIBLE = "possible match"


@dataclass
class PersonLink:
    person: LinkedPerson
    how: str  # LINKED or POSSIBLE


@dataclass
class ResidentLink:
    resident: Resident
    how: str
    cases: list = field(default_factory=list)
    may_see: bool = False  # may the viewer open the resident's hub page and cases?


def _resident_postcode(resident: Resident) -> str:
    household = resident.household
    return household.property.postcode_key if household else ""


def people_for_resident(resident: Resident) -> list[PersonLink]:
    """The single view's people for ``resident``: the linked one, else possible matches; none
    for a resident who objects to the single view (Article 21)."""
    if objects_to(resident.pk, ProcessingActivity.SINGLE_VIEW):
        return []
    linked = list(LinkedPerson.objects.filter(resident=resident).order_by("person_id"))
    if linked:
        return [PersonLink(person, LINKED) for person in linked]
    if not (resident.first_name and resident.last_name and resident.date_of_birth):
        return []
    candidates = list(
        LinkedPerson.objects.filter(
            first_name__iexact=resident.first_name.strip(),
            last_name__iexact=resident.last_name.strip(),
            dob=resident.date_of_birth,
        ).prefetch_related("golden")
    )
    postcode, email = _resident_postcode(resident), resident.email.strip().lower()
    found = []
    for person in candidates:
        emails = {g.value.strip().lower() for g in person.golden.all() if g.field == "email"}
        if (postcode and postcode_key(person.postcode) == postcode) or (email and email in emails):
            found.append(PersonLink(person, POSSIBLE))
    return found


def residents_for_person(person: LinkedPerson) -> list[ResidentLink]:
    """The hub's residents for ``person``: the linked one, else possible matches."""
    if person.resident is not None:
        return [ResidentLink(person.resident, LINKED)]
    if not (person.first_name and person.last_name and person.dob):
        return []
    email = (
        GoldenField.objects.filter(person=person, field="email")
        .values_list("value", flat=True)
        .first()
        or ""
    ).strip()
    postcode = postcode_key(person.postcode)
    candidates = (
        Resident.objects.filter(
            first_name__iexact=person.first_name.strip(),
            last_name__iexact=person.last_name.strip(),
            date_of_birth=person.dob,
        )
        .select_related("household__property")
        .order_by("pk")
    )
    objecting = objectors(ProcessingActivity.SINGLE_VIEW)
    return [
        ResidentLink(resident, POSSIBLE)
        for resident in candidates
        if resident.pk not in objecting
        and (
            (postcode and _resident_postcode(resident) == postcode)
            or (email and resident.email.strip().lower() == email.lower())
        )
    ]
