"""Requests a resident made without signing in become theirs once they confirm the email
address they gave."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from borough.accounts.models import User
from borough.cases.models import Case
from borough.core.models import AuditEvent
from borough.people.models import Resident
from borough.people.services import resident_claim_for_user
from tests.factories import PASSWORD, ResidentFactory, ResidentUserFactory, StaffFactory


@pytest.mark.django_db
def test_confirming_an_email_address_links_the_requests_made_with_it(client, make_case):
    resident = ResidentFactory(email="Amara.Okafor@Example.com")
    case = make_case(resident=resident)
    someone_else = ResidentFactory(email="kofi@example.com")

    client.post(
        "/account/signup/",
        {"email": "amara.okafor@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = User.objects.get(email="amara.okafor@example.com")
    resident.refresh_from_db()
    assert resident.user is None  # not before the address is proved to be theirs

    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    client.post(link)
    resident.refresh_from_db()
    someone_else.refresh_from_db()
    assert resident.user == user
    assert someone_else.user is None
    assert Case.objects.get(pk=case.pk).resident.user == user
    event = AuditEvent.objects.get(action="claimed")
    assert event.object_id == str(resident.pk) and "@" not in event.summary


@pytest.mark.django_db
def test_several_records_with_the_email_are_merged_into_one(make_case):
    user = ResidentUserFactory(email="amara@example.com")
    first = ResidentFactory(email="amara@example.com")
    second = ResidentFactory(email="AMARA@example.com")
    first_case, second_case = make_case(resident=first), make_case(100021500002, resident=second)

    claimed = resident_claim_for_user(user=user, email="amara@example.com")

    assert claimed == first and claimed.user == user
    assert not Resident.objects.filter(pk=second.pk).exists()
    assert set(user.resident.cases.values_list("pk", flat=True)) == {first_case.pk, second_case.pk}


@pytest.mark.django_db
def test_a_resident_who_already_has_a_record_gets_the_new_ones_merged_in(make_case):
    user = ResidentUserFactory(email="amara@example.com")
    own = ResidentFactory(email="amara@example.com", user=user)
    anonymous = ResidentFactory(email="amara@example.com")
    case = make_case(resident=anonymous)

    assert resident_claim_for_user(user=user, email="amara@example.com") == own
    assert Case.objects.get(pk=case.pk).resident == own
    # Claiming again finds nothing more and changes nothing.
    assert resident_claim_for_user(user=user, email="amara@example.com") == own
    assert AuditEvent.objects.filter(action="claimed").count() == 1


@pytest.mark.django_db
def test_staff_accounts_claim_no_residents(catalogue):
    staff = StaffFactory(email="officer@council.example")
    resident = ResidentFactory(email="officer@council.example")
    assert resident_claim_for_user(user=staff, email=staff.email) is None
    resident.refresh_from_db()
    assert resident.user is None
