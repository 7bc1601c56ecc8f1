"""Resident 360: one page with everything about a resident, for those allowed to see it."""

import datetime as dt

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.contacts.services import contact_record
from borough.core.actors import SystemActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.people.models import ConsentBasis, Household, Need, Resident
from borough.people.services import resident_need_record
from borough.places.models import Property
from tests.factories import StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def family(make_case):
    household = Household.objects.create(property=Property.objects.get(uprn=100021500002))
    ama = Resident.objects.create(
        first_name="Ama",
        last_name="Owusu",
        email="ama@example.com",
        date_of_birth=dt.date(1961, 4, 2),
        household=household,
    )
    kofi = Resident.objects.create(first_name="Kofi", last_name="Owusu", household=household)
    resident_need_record(
        actor=SystemActor("test"),
        resident=ama,
        need=Need.HEARING,
        consent_basis=ConsentBasis.EXPLICIT_CONSENT,
    )
    case = make_case(100021500002, channel=Channel.PHONE, resident=ama)
    contact_record(
        channel=Channel.EMAIL,
        resident=ama,
        reason="Asked about bin days",
        started_at=timezone.now(),
    )
    return {"ama": ama, "kofi": kofi, "case": case}


@pytest.mark.django_db
def test_an_agent_sees_everything_about_a_resident_and_the_view_is_audited(client, agent, family):
    staff_login(client, agent)
    ama = family["ama"]
    page = client.get(f"/hub/residents/{ama.pk}/").content.decode()
    assert "Ama Owusu" in page and "2 April 1961" in page
    assert "Deaf or hard of hearing" in page  # the need, so the agent never asks twice
    assert "the resident gave explicit consent" in page
    assert "Kofi Owusu" in page  # household
    assert family["case"].reference in page
    assert "Asked about bin days" in page and "Email" in page and "Phone" in page
    audit = AuditEvent.objects.filter(object_type="resident").get()
    assert (audit.actor, audit.object_id) == (agent, str(ama.pk))


@pytest.mark.django_db
def test_the_case_page_links_to_the_resident(client, agent, family):
    staff_login(client, agent)
    page = client.get(f"/hub/cases/{family['case'].reference}/").content.decode()
    assert f'href="/hub/residents/{family["ama"].pk}/"' in page


@pytest.mark.django_db
def test_officers_see_only_residents_with_a_case_in_their_team(client, waste_officer, family):
    highways = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, waste_officer)
    assert client.get(f"/hub/residents/{family['ama'].pk}/").status_code == 200
    assert client.get(f"/hub/residents/{family['kofi'].pk}/").status_code == 403
    staff_login(client, highways)
    assert client.get(f"/hub/residents/{family['ama'].pk}/").status_code == 403
    assert not AuditEvent.objects.filter(actor=highways).exists()


@pytest.mark.django_db
def test_unknown_residents_are_not_found(client, agent, catalogue):
    staff_login(client, agent)
    assert client.get("/hub/residents/999999/").status_code == 404


@pytest.mark.django_db
def test_an_agent_logs_a_phone_contact_for_a_resident(client, agent, family):
    from borough.contacts.models import Contact

    staff_login(client, agent)
    ama = family["ama"]
    response = client.post(
        f"/hub/residents/{ama.pk}/contacts/",
        {
            "channel": "phone",
            "reason": "Asked when the bin will be collected",
            "outcome": "update_given",
            "minutes": "6",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(reason="Asked when the bin will be collected")
    assert (contact.channel, contact.handled_by, contact.duration_seconds, contact.resident) == (
        "phone",
        agent,
        360,
        ama,
    )
    assert not contact.is_self_service
    page = client.get(response["Location"]).content.decode()
    assert "Contact logged" in page


@pytest.mark.django_db
def test_a_contact_with_missing_details_is_refused_and_nothing_is_saved(client, agent, family):
    from borough.contacts.models import Contact

    staff_login(client, agent)
    before = Contact.objects.count()
    response = client.post(
        f"/hub/residents/{family['ama'].pk}/contacts/",
        {"channel": "web", "reason": "", "outcome": "", "minutes": "lots"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Choose how the resident contacted us",
        "Enter what the contact was about",
        "Choose the outcome of the contact",
        "Enter the length of the contact in minutes, from 1 to 600",
    ):
        assert message in page
    assert 'value="lots"' in page
    assert Contact.objects.count() == before


@pytest.mark.django_db
def test_officers_cannot_log_contacts_for_residents_outside_their_teams(client, family):
    highways = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, highways)
    response = client.post(
        f"/hub/residents/{family['ama'].pk}/contacts/",
        {"channel": "phone", "reason": "x", "outcome": "answered"},
    )
    assert response.status_code == 403
