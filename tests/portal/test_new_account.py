"""A new account is not a dead end: it adds its name, address and phone, opens its details and
its data, and a request made while signed in is its own and acknowledged (issue 17, point 6)."""

from __future__ import annotations

import json

import pytest

from borough.cases.models import Case
from borough.notify.models import Message
from borough.people.models import Resident
from tests.factories import ResidentUserFactory
from tests.portal.test_missed_bin_journey import START, answer_all

HOME = "/my-account/"


@pytest.fixture
def newcomer(client, db, gazetteer, catalogue):
    """Someone who has just made an account: no resident record yet."""
    user = ResidentUserFactory(email="newcomer@example.com")
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_a_new_account_opens_its_details_and_data(client, newcomer):
    page = client.get(HOME).content.decode()
    assert "Tell us when you next contact us" not in page
    assert 'href="/my-account/address/"' in page and "Add your address" in page
    assert client.get(HOME + "details/").status_code == 200
    download = client.get(HOME + "download/")
    assert download.status_code == 200
    data = json.loads(download.content)
    assert data["resident"]["email"] == "newcomer@example.com" and data["requests"] == []


@pytest.mark.django_db
def test_a_new_account_adds_its_name_phone_and_address(client, newcomer):
    refused = client.post(
        HOME + "details/",
        {"first_name": "", "last_name": "Nowak", "phone": "07700 900982", "email_updates": "yes"},
    )
    assert "Enter your first name" in refused.content.decode()
    assert not Resident.objects.filter(user=newcomer, first_name__gt="").exists()
    saved = client.post(
        HOME + "details/",
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "phone": "07700 900982",
            "email_updates": "yes",
        },
    )
    assert saved["Location"] == HOME
    resident = Resident.objects.get(user=newcomer)
    assert (resident.full_name, resident.phone, resident.email) == (
        "Ola Nowak",
        "07700 900982",
        "newcomer@example.com",
    )
    # The address: a postcode, then the address from the list.
    listed = client.get(HOME + "address/", {"postcode": "ub8 1qa"}).content.decode()
    assert "2 Acacia Avenue" in listed and 'name="uprn"' in listed
    missing = client.post(HOME + "address/", {"postcode": "UB8 1QA"})
    assert "Select your address" in missing.content.decode()
    done = client.post(HOME + "address/", {"postcode": "UB8 1QA", "uprn": "100021500002"})
    assert done["Location"] == HOME
    resident.refresh_from_db()
    assert resident.household.property_id == 100021500002
    page = client.get(HOME).content.decode()
    assert "2 Acacia Avenue" in page and "Ola Nowak" in page


@pytest.mark.django_db
def test_a_request_made_by_a_new_account_is_its_own_and_acknowledged(
    client, newcomer, catalogue, django_capture_on_commit_callbacks
):
    answer_all(client, catalogue["report-missed-bin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(START + "check-answers/")
    case = Case.objects.get()
    assert case.resident is not None and case.resident.user == newcomer
    page = client.get(HOME).content.decode()
    assert case.reference in page
    assert Message.objects.filter(
        template="case_acknowledgement", to="newcomer@example.com"
    ).exists()
