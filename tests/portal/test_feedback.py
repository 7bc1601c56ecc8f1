"""Satisfaction at every end point: after sending a request and after an exit page."""

from __future__ import annotations

import pytest

from borough.cases.models import Case
from borough.contacts.models import Feedback
from tests.portal.test_missed_bin_journey import START, answer_all


def send(client, service):
    answer_all(client, service)
    client.post(START + "check-answers/")


@pytest.mark.django_db
def test_a_resident_says_how_satisfied_they_were_after_sending(client, missed_bin, gazetteer):
    send(client, missed_bin)
    page = client.get(START + "confirmation/").content.decode()
    assert "How satisfied were you with this service?" in page
    assert page.index("Very satisfied") < page.index("Very dissatisfied")
    response = client.post(
        START + "feedback/", {"point": "submitted", "score": "4", "comment": "Quick and easy"}
    )
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for your feedback" in thanks
    feedback = Feedback.objects.get()
    assert (feedback.score, feedback.comment, feedback.channel, feedback.point) == (
        4,
        "Quick and easy",
        "web",
        "submitted",
    )
    assert feedback.case == Case.objects.get() and feedback.service == missed_bin
    # The confirmation page now thanks instead of asking again, and a second post adds nothing.
    assert "How satisfied" not in client.get(START + "confirmation/").content.decode()
    client.post(START + "feedback/", {"point": "submitted", "score": "1"})
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_feedback_without_a_choice_gets_a_clear_error_and_keeps_the_comment(
    client, missed_bin, gazetteer
):
    send(client, missed_bin)
    response = client.post(START + "feedback/", {"point": "submitted", "comment": "Hard to find"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select how satisfied you were with this service" in page
    assert 'href="#score"' in page
    assert "Hard to find" in page
    too_long = client.post(
        START + "feedback/", {"point": "submitted", "score": "3", "comment": "x" * 1201}
    )
    assert "1200 characters or fewer" in too_long.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_residents_turned_away_by_an_exit_page_are_asked_too(client, missed_bin, gazetteer):
    from tests.portal.test_missed_bin_journey import Q, choose_address, start

    start(client)
    choose_address(client)
    client.post(Q + "bin_type/", {"bin_type": missed_bin.form.by_id["bin_type"].options[0].value})
    exit_url = client.post(Q + "bin_out/", {"bin_out": "no"})["Location"]
    page = client.get(exit_url).content.decode()
    assert 'name="point" value="not_eligible"' in page
    client.post(START + "feedback/", {"point": "not_eligible", "score": "2"})
    feedback = Feedback.objects.get()
    assert (feedback.point, feedback.score, feedback.case) == ("not_eligible", 2, None)


@pytest.mark.django_db
@pytest.mark.parametrize("score", ["0", "6", "five", ""])
def test_only_the_five_answers_are_accepted(client, missed_bin, gazetteer, score):
    send(client, missed_bin)
    client.post(START + "feedback/", {"point": "submitted", "score": score})
    assert not Feedback.objects.exists()
