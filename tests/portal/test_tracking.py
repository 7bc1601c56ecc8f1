"""Tracking links: someone who reported without signing in follows their request by a link."""

from __future__ import annotations

import time

import pytest
from django.core import signing

from borough.cases.models import Case
from borough.cases.tracking import case_tracking_token
from borough.core.actors import ResidentActor
from borough.notify.models import Message
from tests.factories import ResidentFactory
from tests.portal.test_missed_bin_journey import START, answer_all


def track_url(case, token=None, action: str = "") -> str:
    token = case_tracking_token(case) if token is None else token
    return f"/track/{case.reference}/{token}/" + (f"{action}/" if action else "")


@pytest.mark.django_db
def test_the_confirmation_page_gives_a_tracking_link_that_opens_the_request(
    client, missed_bin, gazetteer
):
    answer_all(client, missed_bin)
    client.post(START + "check-answers/")
    confirmation = client.get(START + "confirmation/").content.decode()
    case = Case.objects.get()
    assert f"/track/{case.reference}/" in confirmation
    link = confirmation.split(f'href="/track/{case.reference}/', 1)[1].split('"', 1)[0]
    page = client.get(f"/track/{case.reference}/{link}").content.decode()
    assert missed_bin.name in page and case.public_state_label in page
    assert "Only our side of the road was missed" in page


@pytest.mark.django_db
def test_the_acknowledgement_email_has_the_tracking_link(
    client, make_case, django_capture_on_commit_callbacks
):
    reporter = ResidentFactory(email="kit@example.com")  # no account
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=reporter)
    message = Message.objects.get(template="case_acknowledgement")
    assert message.to == "kit@example.com" and message.case == case
    assert f"/track/{case.reference}/" in message.body
    path = message.body[message.body.index(f"/track/{case.reference}/") :].split()[0]
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_wrong_and_expired_tracking_tokens_are_not_found(client, make_case, monkeypatch):
    case = make_case()
    other = make_case(100021500002)
    good = case_tracking_token(case)
    assert client.get(track_url(case, good)).status_code == 200
    assert client.get(track_url(case, good[:-2] + "xx")).status_code == 404
    assert client.get(track_url(case, case_tracking_token(other))).status_code == 404
    assert client.get(f"/track/{other.reference}/{good}/").status_code == 404
    response = client.post(track_url(case, "nonsense", "add-information"), {"text": "Hi"})
    assert response.status_code == 404

    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 400 * 24 * 3600)
    old = case_tracking_token(case)
    monkeypatch.setattr(signing.time, "time", real_time)
    assert client.get(track_url(case, old)).status_code == 404


@pytest.mark.django_db
def test_the_tracking_page_hides_personal_details_and_lets_them_add_information(
    client, make_case, django_capture_on_commit_callbacks
):
    case = make_case()
    page = client.get(track_url(case)).content.decode()
    assert "Your name and contact details are not shown" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            track_url(case, action="add-information"), {"text": "It is blocking the path."}
        )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/track/{case.reference}/")
    event = case.events.get(data__from_resident=True)
    assert event.actor is None and event.text == "It is blocking the path."
    assert "It is blocking the path." in client.get(track_url(case)).content.decode()


@pytest.mark.django_db
def test_someone_without_an_account_gets_the_link_by_email_and_their_email_is_not_shown(
    client, catalogue, gazetteer, django_capture_on_commit_callbacks
):
    from borough.cases.create import case_create
    from borough.core.channels import Channel

    service = catalogue["request-new-bin"]
    answers = {
        "address": 100021500003,
        "bin_type": "recycling",
        "reason": "damaged",
        "email": "kit@example.com",
    }
    with django_capture_on_commit_callbacks(execute=True):
        case = case_create(
            actor=ResidentActor(), service=service, answers=answers, channel=Channel.WEB
        )
    message = Message.objects.get(template="case_acknowledgement")
    assert message.to == "kit@example.com"
    path = message.body[message.body.index(f"/track/{case.reference}/") :].split()[0]
    page = client.get(path).content.decode()
    assert "Recycling (blue bin)" in page and "10 Acacia Avenue" in page
    assert "kit@example.com" not in page
