"""Councillors' enquiries (issue 26): raised with the resident's consent, worked as a case
with the member enquiry response time, followed by the councillor, who sees only their own
enquiries and their ward's numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from borough.accounts.models import Membership, Role, Team
from borough.cases.create import case_create
from borough.cases.enquiries import enquiry_raise
from borough.cases.errors import NotAllowed
from borough.cases.models import Case, MemberEnquiry
from borough.cases.workflow import case_send_update
from borough.core.actors import ResidentActor, StaffActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.core.working_days import add_working_days
from borough.insights.models import DailyCount
from borough.notify.models import Message
from borough.people.models import Resident
from borough.places.models import Ward, WardCouncillor
from tests.factories import ResidentUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _councillor(email: str, ward: Ward):
    user = ResidentUserFactory(email=email)
    team, _ = Team.objects.get_or_create(slug="councillors", defaults={"name": "Councillors"})
    Membership.objects.create(user=user, team=team, role=Role.COUNCILLOR)
    WardCouncillor.objects.create(ward=ward, user=user)
    return user


@pytest.fixture
def ward(catalogue, gazetteer):
    return Ward.objects.get(name="Ashgrove")


@pytest.fixture
def cllr(ward):
    return _councillor("cllr.khan@council.example", ward)


def _form(home_ward, **changes):
    today = timezone.localdate()
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "ward": str(home_ward.pk),
        "consent_method": "email",
        "consent_day": str(today.day),
        "consent_month": str(today.month),
        "consent_year": str(today.year),
        "subject": "Broken street light on Acacia Avenue",
        "details": "The light outside number 4 has been out for three weeks.",
    }
    return {**data, **changes}


def test_a_councillor_raises_an_enquiry_with_consent_and_the_member_sla(cllr, ward, client):
    client.force_login(cllr)
    response = client.post(reverse("portal:councillor_enquiry_new"), _form(ward))
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:councillor_enquiry", args=[case.reference])
    enquiry = case.member_enquiry
    assert (enquiry.councillor, enquiry.ward, enquiry.consent_method) == (cllr, ward, "email")
    assert enquiry.consent_date == timezone.localdate()
    assert case.service.slug == "member-enquiry" and case.team.slug == "member-services"
    assert case.due_date == add_working_days(timezone.localdate(), 10)  # the catalogue's data
    assert case.resident.email == "ada@example.com" and case.ward == ward
    assert AuditEvent.objects.filter(object_type="cases.member_enquiry").exists()
    assert client.get("/services/member-enquiry/").status_code == 404  # not for residents


def test_bad_input_is_refused_and_nothing_is_written(cllr, ward, client):
    client.force_login(cllr)
    other_ward = Ward.objects.create(code="E05999999", name="Elsewhere")
    future = timezone.localdate() + dt.timedelta(days=3)
    page = client.post(
        reverse("portal:councillor_enquiry_new"),
        _form(
            ward,
            ward=str(other_ward.pk),
            consent_method="",
            consent_day=str(future.day),
            consent_month=str(future.month),
            consent_year=str(future.year),
            details="",
        ),
    )
    assert page.status_code == 400
    text = page.content.decode()
    for message in (
        "Select one of your wards",
        "Select how the resident gave their consent",
        "The date of consent must be today or in the past",
    ):
        assert message in text
    assert 'value="Ada"' in text  # what was typed is kept
    assert not Case.objects.exists() and not Resident.objects.exists()


def test_the_councillor_follows_updates_and_is_emailed(
    cllr, ward, client, django_capture_on_commit_callbacks
):
    case = enquiry_raise(ResidentActor(user=cllr), _form(ward))
    officer = StaffFactory(
        email="me@council.example",
        membership__team=Team.objects.get(slug="member-services"),
        membership__role=Role.OFFICER,
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_send_update(
            case=case,
            text="We have asked highways to repair the light.",
            actor=StaffActor(officer),
        )
    told = Message.objects.get(template="enquiry_update")
    assert told.to == cllr.email and case.reference in told.subject
    assert "asked highways" in told.body
    client.force_login(cllr)
    page = client.get(reverse("portal:councillor_enquiry", args=[case.reference])).content.decode()
    assert "We have asked highways to repair the light." in page
    assert "By email" in page  # the consent recorded
    home = client.get(reverse("portal:councillor")).content.decode()
    assert case.reference in home


def test_councillors_see_only_their_enquiries_and_ward_numbers(cllr, ward, client, catalogue):
    case = enquiry_raise(ResidentActor(user=cllr), _form(ward))
    other = _councillor("cllr.jones@council.example", ward)
    resident_user = ResidentUserFactory(email="ada@example.com")
    Resident.objects.filter(pk=case.resident_id).update(user=resident_user)
    own_request = case_create(
        actor=ResidentActor(user=resident_user),
        service=catalogue["trade-waste-collection"],
        answers={"address": 100021500001, "waste_type": "food", "frequency": "daily", "bins": 1},
        channel=Channel.WEB,
        resident=case.resident,
    )
    DailyCount.objects.create(
        day=timezone.localdate(),
        kpi="cases_opened",
        service=catalogue["report-missed-bin"],
        channel="web",
        ward=ward,
        value=3,
    )
    client.force_login(other)
    assert (
        client.get(reverse("portal:councillor_enquiry", args=[case.reference])).status_code == 404
    )
    home = client.get(reverse("portal:councillor")).content.decode()
    assert case.reference not in home and "Ada" not in home
    assert '<th scope="row" class="govuk-table__header">Report a missed bin collection' in home
    assert 'data-testid="ward-open-enquiries"' in home and "<strong>1</strong>" in home
    # Not the resident's other requests, nor the hub.
    assert client.get(reverse("portal:my_request", args=[own_request.reference])).status_code == 404
    assert client.get("/hub/").status_code in (302, 403)
    with pytest.raises(NotAllowed):
        enquiry_raise(ResidentActor(user=resident_user), _form(ward))  # not a councillor
    client.force_login(resident_user)
    assert client.get(reverse("portal:councillor")).status_code == 404
    assert MemberEnquiry.objects.count() == 1
