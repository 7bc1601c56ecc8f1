"""A request's confirmation promises only what will happen with the contact details we hold,
and a resident who gave none may give an email address for updates (issue 17, point 3)."""

from __future__ import annotations

import pytest

from borough.cases.models import Case
from borough.notify.models import Message
from borough.people.models import Resident
from tests.portal.test_missed_bin_journey import START, answer_all

CONFIRMATION = START + "confirmation/"


@pytest.fixture
def sent_without_contact(client, missed_bin, gazetteer):
    answer_all(client, missed_bin)
    client.post(START + "check-answers/")
    return Case.objects.get()


@pytest.mark.django_db
def test_a_missed_bin_sent_without_contact_details_promises_no_email(client, sent_without_contact):
    page = client.get(CONFIRMATION).content.decode()
    assert "email we send you" not in page
    assert "We will not email or phone you about this request" in page
    assert "Get updates by email (optional)" in page and 'name="email"' in page
    # It does not say we lack the details and then ask for them: it says how to get updates.
    assert "because we do not have your contact details" not in page
    assert "unless you give us your email address below" in page


@pytest.mark.django_db
def test_an_email_given_on_the_confirmation_gets_the_acknowledgement(
    client, sent_without_contact, django_capture_on_commit_callbacks
):
    wrong = client.post(CONFIRMATION, {"email": "not an email"})
    assert "Enter an email address in the correct format" in wrong.content.decode()
    assert not Resident.objects.exists() and not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CONFIRMATION, {"email": "ama@example.com"})
    assert done["Location"] == CONFIRMATION
    sent_without_contact.refresh_from_db()
    assert sent_without_contact.resident.email == "ama@example.com"
    sent = Message.objects.get(template="case_acknowledgement")
    assert sent.to == "ama@example.com" and sent_without_contact.reference in sent.body
    page = client.get(CONFIRMATION).content.decode()
    assert "We are sending a confirmation email" in page and 'name="email"' not in page
    # Once we hold an address, it cannot be replaced from this page.
    again = client.post(CONFIRMATION, {"email": "someone@example.com"})
    assert again.status_code == 200 and "We already have your contact details" in (
        again.content.decode()
    )
    sent_without_contact.refresh_from_db()
    assert sent_without_contact.resident.email == "ama@example.com"
    assert Resident.objects.count() == 1


@pytest.mark.django_db
def test_a_stranger_cannot_add_an_email_to_a_request(client, sent_without_contact):
    stranger = client.__class__()
    response = stranger.post(CONFIRMATION, {"email": "stranger@example.com"})
    assert response.status_code == 302
    sent_without_contact.refresh_from_db()
    assert sent_without_contact.resident is None and not Resident.objects.exists()
