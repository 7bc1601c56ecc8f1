"""Smaller points residents and staff tripped over (issue 17, point 8): a number typed with its
unit, errors that name the question, GOV.UK times, the chat button kept off form pages, and
one site address in every emailed link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import timezone

from borough.cases.tracking import case_tracking_url
from borough.catalogue.answers import AnswerError, clean_answer
from borough.places.selectors import Gazetteer
from tests.factories import PASSWORD, ResidentUserFactory
from tests.portal.test_missed_bin_journey import START, Q, choose_address, start

SITE = "https://services.council.example"


@pytest.mark.django_db
def test_a_number_may_be_typed_with_its_unit(catalogue):
    depth = catalogue["report-pothole"].form.by_id["depth"]
    assert depth.unit == "cm"
    for typed in ("5cm", "5 cm", "5 CM", "5 centimetres", "5"):
        assert clean_answer(depth, typed, places=Gazetteer()) == 5, typed
    with pytest.raises(AnswerError) as refused:
        clean_answer(depth, "five", places=Gazetteer())
    assert str(refused.value) == "Enter a number of cm, like 5"
    months = catalogue["report-damp-and-mould"].form.by_id
    question = next(q for q in months.values() if q.type == "number")
    assert clean_answer(question, "3 months", places=Gazetteer()) == 3


@pytest.mark.django_db
def test_a_choice_left_unanswered_names_the_question(client, catalogue, gazetteer):
    for service in catalogue.values():
        for question in service.form.questions:
            if question.type == "selection":
                assert question.required_error not in (
                    "Select an option",
                    "Select at least one option",
                ), (service.slug, question.label)
    start(client)
    choose_address(client)
    page = client.post(Q + "bin_type/", {}).content.decode()
    assert "Select which bin was not collected" in page and "Select an option" not in page
    client.post(Q + "bin_type/", {"bin_type": "general_waste"})
    page = client.post(Q + "bin_out/", {}).content.decode()
    assert "Select yes if your bin was out by 6am on your collection day" in page
    pothole = catalogue["report-pothole"].form
    sizes = [q for q in pothole.questions if q.label == "How big is the pothole?"]
    assert sizes[0].required_error == "Select how big the pothole is"


def test_times_are_written_in_gov_uk_style(settings):
    settings.TIME_ZONE = "Europe/London"
    template = Template("{% load govuk_dates %}{{ at|govuk_datetime }}|{{ at|govuk_time }}")
    zone = timezone.get_current_timezone()
    evening = timezone.make_aware(dt.datetime(2026, 12, 7, 22, 38), zone)
    assert template.render(Context({"at": evening})) == "7 December 2026 at 10:38pm|10:38pm"
    noon = timezone.make_aware(dt.datetime(2026, 12, 7, 12, 0), zone)
    assert template.render(Context({"at": noon})).endswith("|midday")
    morning = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 0), zone)
    assert template.render(Context({"at": morning})).endswith("|9am")


@pytest.mark.django_db
def test_the_request_timeline_uses_gov_uk_times(client, make_case):
    case = make_case()
    page = client.get(case_tracking_url(case)).content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert "a.m." not in timeline and "p.m." not in timeline
    assert re.search(r"\d{4} at \d{1,2}(:\d{2})?(am|pm)|midday|midnight", timeline)


@pytest.mark.django_db
def test_the_chat_button_does_not_float_over_form_pages(client, missed_bin, gazetteer):
    home = client.get("/").content.decode()
    assert 'class="app-chat-widget"' in home  # it may float where there is no form
    start(client)
    for url in (Q + "address/", START + "check-answers/"):
        page = client.get(url, follow=True).content.decode()
        assert "app-chat-widget app-chat-widget--in-page" in page, url


@pytest.mark.django_db
def test_every_emailed_link_uses_the_one_site_address(
    client, settings, catalogue, gazetteer, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    client.post(
        "/account/signup/",
        {"email": "amara@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="127.0.0.1",
    )
    resident = ResidentUserFactory()
    client.post("/account/password/reset/", {"email": resident.email}, HTTP_HOST="127.0.0.1")
    links = [link for message in mail.outbox for link in re.findall(r"https?://\S+", message.body)]
    assert len(links) >= 2
    assert all(link.startswith(SITE + "/") for link in links), links
