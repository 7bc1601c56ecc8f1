import pytest
from django.db import IntegrityError
from django.utils import timezone

from borough.core.actors import StaffActor, SystemActor
from borough.core.models import AuditEvent
from borough.people.models import ConsentBasis, Need, ResidentNeed
from borough.people.services import resident_need_record
from tests.factories import ResidentFactory


@pytest.mark.django_db
def test_a_need_cannot_be_stored_without_a_consent_basis():
    resident = ResidentFactory()
    with pytest.raises(IntegrityError):
        ResidentNeed.objects.create(
            resident=resident,
            need=Need.HEALTH,
            consent_basis="",
            consent_recorded_at=timezone.now(),
        )


@pytest.mark.django_db
def test_recording_a_need_keeps_the_consent_and_audits_it(waste_officer):
    resident = ResidentFactory()
    need = resident_need_record(
        resident=resident,
        need=Need.HEARING,
        consent_basis=ConsentBasis.EXPLICIT_CONSENT,
        actor=StaffActor(waste_officer),
    )
    assert need.consent_recorded_by == waste_officer
    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.action, audit.object_type) == (
        waste_officer,
        "created",
        "resident_need",
    )


@pytest.mark.django_db
def test_a_need_without_a_known_consent_basis_is_refused():
    with pytest.raises(ValueError, match="consent basis"):
        resident_need_record(
            actor=SystemActor("test"),
            resident=ResidentFactory(),
            need=Need.HEALTH,
            consent_basis="asked",
        )
