"""Recording a need and logging a contact check their own policy (ADR 0023), whoever calls them."""

import pytest
from django.core.exceptions import PermissionDenied

from borough.contacts.models import Contact
from borough.contacts.services import contact_log
from borough.core.actors import ApiClientActor, ResidentActor, StaffActor, SystemActor
from borough.people.models import ConsentBasis, Need, ResidentNeed
from borough.people.services import resident_need_record
from tests.factories import ResidentFactory

WRITER = ApiClientActor(client_id=1, name="Writer", scopes=frozenset({"cases.write"}))


@pytest.mark.django_db
def test_only_the_resident_staff_or_borough_may_record_a_need(agent):
    resident, stranger = ResidentFactory(), ResidentFactory()
    for actor in (ResidentActor(resident=stranger), ResidentActor(), WRITER):
        with pytest.raises(PermissionDenied):
            resident_need_record(
                actor=actor,
                resident=resident,
                need=Need.HEARING,
                consent_basis=ConsentBasis.EXPLICIT_CONSENT,
            )
    assert not ResidentNeed.objects.exists()
    allowed = (ResidentActor(resident=resident), StaffActor(agent), SystemActor("chat"))
    for actor, need in zip(allowed, (Need.HEARING, Need.HEALTH, Need.MOBILITY), strict=True):
        resident_need_record(
            actor=actor, resident=resident, need=need, consent_basis="explicit_consent"
        )
    assert ResidentNeed.objects.filter(resident=resident).count() == 3


@pytest.mark.django_db
def test_only_hub_staff_may_log_a_contact(agent):
    resident = ResidentFactory()
    fields = {"channel": "phone", "reason": "Bin days", "outcome": "answered", "minutes": "3"}
    for actor in (ResidentActor(resident=resident), WRITER, SystemActor("task")):
        with pytest.raises(PermissionDenied):
            contact_log(actor=actor, resident=resident, **fields)
    assert not Contact.objects.exists()
    contact = contact_log(actor=StaffActor(agent), resident=resident, **fields)
    assert contact.handled_by == agent
