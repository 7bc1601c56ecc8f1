"""The breach log: the 72-hour clock from discovery, systems from the register, and the people
affected found through the audit log (issue 23, point 6)."""

import datetime as dt

import pytest
from django.utils import timezone

from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from borough.core.services import audit_record
from borough.governance.breaches import breach_find_affected, breach_log, breach_reported
from borough.governance.models import Breach
from borough.governance.services import Invalid
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def _log(officer, **changes):
    fields = {
        "title": "Laptop left on a train",
        "description": "An officer's laptop was lost",
        "discovered_at": timezone.now() - dt.timedelta(hours=5),
        "risk": "risk",
        "systems": [],
        "data_categories": "Names, addresses, needs",
        **changes,
    }
    return breach_log(actor=StaffActor(officer), **fields)


def test_the_ico_clock_is_72_hours_from_discovery(governance_officer):
    found = timezone.now() - dt.timedelta(hours=5)
    breach = _log(governance_officer, discovered_at=found)
    assert breach.ico_deadline == found + dt.timedelta(hours=72)
    breach_reported(actor=StaffActor(governance_officer), breach=breach, reference="IC-123")
    assert breach.reported_to_ico_at is not None and breach.ico_reference == "IC-123"


def test_bad_input_is_refused_with_every_error_and_nothing_saved(governance_officer):
    with pytest.raises(Invalid) as refused:
        _log(
            governance_officer,
            title="",
            discovered_at=timezone.now() + dt.timedelta(hours=1),
            risk="bad",
            systems=["api_client:999"],
            data_categories="",
        )
    assert set(refused.value.errors) == {
        "title",
        "discovered_at",
        "risk",
        "systems",
        "data_categories",
    }
    assert not Breach.objects.exists()


def test_people_affected_are_those_the_account_saw_in_the_window(
    governance_officer, waste_officer, agent
):
    seen, seen_by_another, seen_before = (ResidentFactory() for _ in range(3))
    for person, who in (
        (seen, waste_officer),
        (seen_by_another, agent),
        (seen_before, waste_officer),
    ):
        audit_record(
            actor=who, action="viewed", object_type="resident", object_id=person.pk,
            resident_id=person.pk,
        )  # fmt: skip
    AuditEvent.objects.filter(resident_id=seen_before.pk).update(
        at=timezone.now() - dt.timedelta(days=30)
    )
    breach = _log(governance_officer)
    today = timezone.localdate()
    ids = breach_find_affected(
        actor=StaffActor(governance_officer),
        breach=breach,
        staff_email=waste_officer.email,
        start=today - dt.timedelta(days=7),
        end=today,
    )
    assert ids == [seen.pk]
    breach.refresh_from_db()
    assert breach.affected_resident_ids == [seen.pk]


def test_systems_come_from_the_register(governance_officer, new_api_client):
    client = new_api_client("cases.read", name="Back office").client
    breach = _log(governance_officer, systems=[f"api_client:{client.pk}"])
    assert breach.systems == [f"api_client:{client.pk}"]
