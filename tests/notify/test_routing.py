"""How residents hear back: the way they chose for a request, else in MyAccount, else email,
text, letter in that order. People with no email or phone get letters."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.utils import timezone

from borough.cases.models import CaseEvent
from borough.cases.selectors import case_contact_route, contact_choices
from borough.insights.models import DailyCount, Kpi
from borough.insights.services import counts_rebuild
from borough.notify import sandbox
from borough.notify.models import Message
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory


@pytest.fixture
def home(gazetteer):
    return Property.objects.filter(postcode__gt="").first()


def _resident(home, **kwargs):
    return ResidentFactory(household=Household.objects.create(property=home), **kwargs)


@pytest.mark.django_db
def test_someone_with_no_email_or_phone_gets_a_letter_at_home_counted_for_print_and_postage(
    notify_on, make_case, home, monkeypatch, django_capture_on_commit_callbacks
):
    resident = _resident(home, email="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=resident)
    monkeypatch.setattr(sandbox, "handle", lambda *a: (400, {"errors": []}))
    with django_capture_on_commit_callbacks(execute=True):
        make_case(resident=resident)  # Notify refused this one: nothing printed, not counted
    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    letters = DailyCount.objects.filter(kpi=Kpi.LETTERS_SENT)
    assert letters.aggregate(n=Sum("value"))["n"] == 1
    assert {(row.channel, row.service_id, row.team_id) for row in letters} == {
        ("letter", case.service_id, case.team_id)
    }
    letter = Message.objects.exclude(status=Message.Status.FAILED).get()
    assert letter.channel == "letter" and letter.to == ", ".join(home.lines)
    assert letter.personalisation["address_line_1"] == home.lines[0]
    assert case.reference in letter.body
    assert case.events.get(kind=CaseEvent.Kind.ACKNOWLEDGED).text == ("Acknowledgement letter sent")


@pytest.mark.django_db
def test_a_choice_for_the_request_beats_the_myaccount_choice_which_beats_email(
    notify_on, make_case, home
):
    resident = _resident(home, phone="07700900982", contact_by="letter")
    case = make_case(resident=resident)
    assert case_contact_route(case).channel == "letter"
    case.contact_by = "sms"
    assert case_contact_route(case).channel == "sms"
    assert case_contact_route(case).to == "07700900982"
    resident.contact_by = ""
    case.contact_by = ""
    assert case_contact_route(case).channel == "email"
    assert contact_choices(resident) == ["email", "sms", "letter"]


@pytest.mark.django_db
def test_a_choice_we_cannot_keep_falls_back_and_updates_off_means_none(notify_on, make_case, home):
    resident = ResidentFactory(email="", phone="07700900982", contact_by="letter")
    case = make_case(resident=resident)
    assert case_contact_route(case).channel == "sms"  # no home address: a text instead
    resident.email_updates = False
    assert case_contact_route(case, update=True) is None
    assert case_contact_route(case).channel == "sms"  # the acknowledgement still goes


@pytest.mark.django_db
def test_with_smtp_only_texts_and_letters_are_not_offered(settings, make_case, home):
    settings.BOROUGH_NOTIFY_PROVIDER = "email"
    resident = _resident(home, email="", phone="07700900982")
    assert contact_choices(resident) == []
    assert case_contact_route(make_case(resident=resident)) is None
