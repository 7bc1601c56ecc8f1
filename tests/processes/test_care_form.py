"""The financial assessment's online form (catalogue service ``care-financial-assessment``):
a signed-in resident's answers start the process, what counts is explained, bad answers get
clear errors and lose nothing, and the letter is in their account. A letter returned (a Notify
callback) asks a benefits officer to check the address, and the letter goes again."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from borough.cases.models import Case
from borough.core.actors import StaffActor
from borough.notify.callbacks import returned_letter_receive
from borough.notify.models import Message
from borough.processes.library.care import answers_from_form
from borough.processes.models import FinancialAssessment, ProcessStep, StepState
from borough.processes.services import complete_task
from tests.factories import ResidentFactory, ResidentUserFactory

SLUG = "care-financial-assessment"
FORM = {
    "care_setting": "at_home",
    "pension_age": "yes",
    "care_cost": "200",
    "pension_weekly": "£250.50",
    "benefits_weekly": "49.50",
    "earnings_weekly": "100",
    "savings": "8,000",
    "investments": "2000",
    "owns_home": "yes",
    "other_property": "no",
    "disability_expenses": "10",
}


def test_the_form_answers_count_pensions_and_benefits_not_earnings_nor_the_home():
    cleaned = {key: value.replace("£", "").replace(",", "") for key, value in FORM.items()}
    assessment = answers_from_form(cleaned)
    assert assessment["weekly_income_pence"] == 30_000  # £250.50 + £49.50, not the £100 earned
    assert assessment["capital_pence"] == 1_000_000
    assert assessment["owns_property"] is False  # the home is not counted for care at home
    in_a_home = answers_from_form(
        cleaned
        | {"care_setting": "care_home", "other_property": "yes", "other_property_value": "50000"}
    )
    assert in_a_home["owns_property"] is True and in_a_home["capital_pence"] == 6_000_000


def _resident(client):
    user = ResidentUserFactory()
    ResidentFactory(user=user, email=user.email, first_name="Ada", last_name="Lovelace")
    client.force_login(user)
    return user


def _answer(client, question: str, value: str):
    return client.post(reverse("portal:question", args=[SLUG, question]), {question: value})


@pytest.mark.django_db
def test_only_a_signed_in_resident_starts_the_form(processes, client):
    started = client.post(reverse("portal:start", args=[SLUG]))
    assert started.status_code == 302 and "/account/login/" in started["Location"]


@pytest.mark.django_db
def test_a_resident_fills_the_form_sees_errors_that_lose_nothing_and_gets_the_letter(
    processes, client, gazetteer, django_capture_on_commit_callbacks
):
    _resident(client)
    client.post(reverse("portal:start", args=[SLUG]))
    for question in ("care_setting", "pension_age", "care_cost", "pension_weekly"):
        assert _answer(client, question, FORM[question]).status_code == 302
    for bad, error in (
        ("lots", "Enter a number"),
        ("-5", "between 0 and 5000"),
        ("99999999", "between 0 and 5000"),
    ):
        page = _answer(client, "benefits_weekly", bad)
        assert page.status_code == 200 and error in page.content.decode()
    # what was answered before the mistake is kept
    check = client.get(reverse("portal:question", args=[SLUG, "pension_weekly"]))
    assert "250.5" in check.content.decode()
    for question in list(FORM)[4:]:
        assert _answer(client, question, FORM[question]).status_code == 302, question
    answers = client.get(reverse("portal:check", args=[SLUG])).content.decode()
    assert "How much do you get each week in benefits?" in answers
    with django_capture_on_commit_callbacks(execute=True):  # the process starts
        assert client.post(reverse("portal:check", args=[SLUG])).status_code == 302

    case = Case.objects.get(service__slug=SLUG)
    assessment = FinancialAssessment.objects.get(case=case)
    # £300 counted - £237.30 minimum income guarantee - £10 expenses; capital under £14,250
    assert assessment.calculation["contribution"] == 5_270
    page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()
    assert "You will pay £52.70 a week" in page
    assert "Earnings from work: £100.00 a week, not counted" in page
    assert "The home you live in is not counted while you get care at home." in page
    assert "Minimum income guarantee you keep: £237.30" in page


@pytest.mark.django_db
def test_a_returned_letter_asks_an_officer_to_check_the_address_then_it_goes_again(
    processes, benefits_case, benefits_officer, settings, django_capture_on_commit_callbacks
):
    from borough.processes.services import SYSTEM, start_financial_assessment

    case = benefits_case()
    start_financial_assessment(
        case=case,
        actor=SYSTEM,
        answers={
            "weekly_income_pence": 30_000,
            "capital_pence": 0,
            "care_cost_pence": 20_000,
        },
    )
    letter = Message.objects.create(
        to="1 High Street",
        channel="letter",
        subject="s",
        body="b",
        template="case_update",
        case=case,
        provider="notify",
        status="received",
        notify_id="abc-123",
        created=case.created_at,
    )
    settings.NOTIFY_CALLBACK_TOKEN = "secret-token"
    body = json.dumps({"notification_id": "abc-123", "reference": str(letter.pk)}).encode()
    with django_capture_on_commit_callbacks(execute=True):
        assert returned_letter_receive(body, "Bearer secret-token") == 200
    step = ProcessStep.objects.get(step_id="check_contact")
    assert step.state == StepState.WAITING and step.team == "benefits"
    with django_capture_on_commit_callbacks(execute=True):  # a replay asks nobody twice
        returned_letter_receive(body, "Bearer secret-token")
    assert ProcessStep.objects.filter(step_id="check_contact").count() == 1

    updates = case.events.filter(is_public=True, text__contains="You will pay").count()
    complete_task(
        step=step, actor=StaffActor(benefits_officer), answers={"contact_note": "New flat"}
    )
    assert case.events.filter(is_public=True, text__contains="You will pay").count() == updates + 1
    assert ProcessStep.objects.get(step_id="resend").state == StepState.DONE
