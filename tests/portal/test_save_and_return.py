"""Save and come back later: a signed-in resident's answers follow them to any device."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from borough.cases.models import Case
from borough.contacts.models import FormSession
from borough.contacts.services import form_sessions_expire
from tests.factories import ResidentUserFactory
from tests.portal.test_missed_bin_journey import START, Q, choose_address, start


@pytest.fixture
def resident_user(db):
    return ResidentUserFactory(email="ama@example.com")


def answer_first_two(client, service):
    start(client)
    choose_address(client)
    return client.post(
        Q + "bin_type/",
        {"bin_type": service.form.by_id["bin_type"].options[0].value, "action": "save"},
    )


@pytest.mark.django_db
def test_a_signed_in_resident_saves_and_finishes_on_another_device(
    client, missed_bin, gazetteer, resident_user
):
    client.force_login(resident_user)
    response = answer_first_two(client, missed_bin)
    assert response["Location"] == START + "saved/"
    saved_page = client.get(START + "saved/").content.decode()
    assert "Your answers have been saved" in saved_page
    keep_until = timezone.localdate() + dt.timedelta(days=28)
    assert keep_until.strftime("%B") in saved_page
    session = FormSession.objects.get()
    assert session.user == resident_user
    assert session.saved_answers["address"] == 100021500002
    assert "bin_type" in session.saved_answers

    phone = Client()
    phone.force_login(resident_user)
    start_page = phone.get(START).content.decode()
    assert "You saved your answers on" in start_page and ">\n        Continue" in start_page
    assert phone.post(START)["Location"] == Q + "bin_out/"
    phone.post(Q + "bin_out/", {"bin_out": "yes"})
    today = dt.date.today()
    phone.post(
        Q + "collection_date/",
        {
            "collection_date-day": today.day,
            "collection_date-month": today.month,
            "collection_date-year": today.year,
        },
    )
    phone.post(Q + "details/", {"details": ""})
    assert phone.post(START + "check-answers/")["Location"] == START + "confirmation/"
    case = Case.objects.get()
    assert case.property_id == 100021500002
    session.refresh_from_db()
    assert (session.outcome, session.saved_answers, session.saved_at) == ("submitted", {}, None)


@pytest.mark.django_db
def test_saving_does_not_force_an_answer_but_a_wrong_one_is_still_an_error(
    client, missed_bin, gazetteer, resident_user
):
    client.force_login(resident_user)
    start(client)
    assert (
        client.post(Q + "address/", {"step": "postcode", "postcode": "UB8 1QA"}).status_code == 302
    )
    saved = client.post(Q + "address/", {"step": "answer", "action": "save"})
    assert saved["Location"] == START + "saved/"
    assert FormSession.objects.get().saved_postcodes == {"address": "UB8 1QA"}
    choose_address(client)
    client.post(Q + "bin_type/", {"bin_type": missed_bin.form.by_id["bin_type"].options[0].value})
    client.post(Q + "bin_out/", {"bin_out": "yes"})
    wrong = client.post(
        Q + "collection_date/",
        {
            "collection_date-day": "31",
            "collection_date-month": "2",
            "collection_date-year": "2026",
            "action": "save",
        },
    )
    assert wrong.status_code == 200 and "There is a problem" in wrong.content.decode()


@pytest.mark.django_db
def test_residents_who_are_not_signed_in_are_not_offered_saving(client, missed_bin, gazetteer):
    start(client)
    choose_address(client)
    page = client.get(Q + "bin_type/").content.decode()
    assert "Save and come back later" not in page
    response = client.post(
        Q + "bin_type/",
        {"bin_type": missed_bin.form.by_id["bin_type"].options[0].value, "action": "save"},
    )
    assert response["Location"] == Q + "bin_out/"  # an ordinary Continue
    assert FormSession.objects.get().saved_at is None


@pytest.mark.django_db
def test_saved_answers_expire_after_28_days_and_are_wiped(
    client, missed_bin, gazetteer, resident_user
):
    client.force_login(resident_user)
    answer_first_two(client, missed_bin)
    FormSession.objects.update(saved_at=timezone.now() - dt.timedelta(days=29))
    fresh = Client()
    fresh.force_login(resident_user)
    assert "You saved your answers" not in fresh.get(START).content.decode()
    assert fresh.get(START + "saved/")["Location"] == START
    assert fresh.post(START)["Location"] == Q + "address/"  # starts again
    assert form_sessions_expire() == 1
    old = FormSession.objects.order_by("started_at").first()
    assert (old.saved_answers, old.saved_postcodes) == ({}, {})


@pytest.mark.django_db
def test_nobody_else_gets_a_residents_saved_answers(client, missed_bin, gazetteer, resident_user):
    client.force_login(resident_user)
    answer_first_two(client, missed_bin)
    other = Client()
    other.force_login(ResidentUserFactory(email="kofi@example.com"))
    assert "You saved your answers" not in other.get(START).content.decode()
    assert other.post(START)["Location"] == Q + "address/"
