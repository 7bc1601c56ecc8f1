"""Assisted digital: an agent raises a request for a resident with the portal's own questions."""

import datetime as dt

import pytest
from django.core import mail

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.contacts.models import Contact, FormSession
from borough.core.channels import Channel
from tests.factories import ResidentFactory, StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def ama(gazetteer):
    return ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com")


def begin(client, resident, *, service="report-missed-bin", channel="phone"):
    response = client.post(
        f"/hub/residents/{resident.pk}/requests/new/", {"service": service, "channel": channel}
    )
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def answer_missed_bin(client, first_url, *, bin_out="yes"):
    """Answer every question of the missed-bin form as an agent would; return the last reply."""
    base = first_url.rsplit("/", 2)[0] + "/"
    assert first_url == base + "address/"
    client.post(base + "address/", {"step": "postcode", "postcode": "ub8 1qa"})
    client.post(base + "address/", {"step": "answer", "address": "100021500002"})
    client.post(base + "bin_type/", {"bin_type": "recycling"})
    response = client.post(base + "bin_out/", {"bin_out": bin_out})
    if bin_out != "yes":
        return response
    today = dt.date.today()
    client.post(
        base + "collection_date/",
        {
            "collection_date-day": today.day,
            "collection_date-month": today.month,
            "collection_date-year": today.year,
        },
    )
    return client.post(base + "details/", {"details": "Bin left at the front gate"})


@pytest.mark.django_db
def test_an_agent_raises_a_request_for_a_resident_on_the_phone(
    client, agent, missed_bin, ama, django_capture_on_commit_callbacks
):
    staff_login(client, agent)
    resident_page = client.get(f"/hub/residents/{ama.pk}/").content.decode()
    assert f"/hub/residents/{ama.pk}/requests/new/" in resident_page

    first = begin(client, ama)
    reply = answer_missed_bin(client, first)
    check_url = reply["Location"]
    assert check_url.endswith("/check/")
    check = client.get(check_url).content.decode()
    assert "Check the answers with the resident" in check
    assert "2 Acacia Avenue, Uxbridge, UB8 1QA" in check
    assert "Bin left at the front gate" in check

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_url, {"minutes": "6"})
    case = Case.objects.get()
    assert response["Location"] == f"/hub/cases/{case.reference}/"
    assert (case.channel, case.resident, case.assisted_by) == (Channel.PHONE, ama, agent)
    assert case.answers["bin_type"] == "recycling"
    assert case.property.uprn == 100021500002
    contact = Contact.objects.get(case=case)
    assert (contact.channel, contact.handled_by, contact.duration_seconds) == (
        Channel.PHONE,
        agent,
        360,
    )
    session = FormSession.objects.get(case=case)
    assert (session.channel, session.outcome) == (Channel.PHONE, FormSession.Outcome.SUBMITTED)
    # The resident gets the reference by email, as if they had reported it online.
    assert [m.to for m in mail.outbox] == [["ama@example.com"]]
    assert case.reference in mail.outbox[0].body

    page = client.get(response["Location"]).content.decode()
    assert f"Request {case.reference} raised for Ama Owusu" in page
    assert "Raised for the resident by" in page


@pytest.mark.django_db
def test_a_second_click_on_raise_makes_no_second_request(client, agent, missed_bin, ama):
    staff_login(client, agent)
    check_url = answer_missed_bin(client, begin(client, ama))["Location"]
    first = client.post(check_url)
    second = client.post(check_url)
    assert Case.objects.count() == 1
    assert second["Location"] == first["Location"]


@pytest.mark.django_db
def test_the_form_rules_are_the_portals_rules(client, agent, missed_bin, ama):
    staff_login(client, agent)
    first = begin(client, ama)
    base = first.rsplit("/", 2)[0] + "/"
    page = client.post(base + "address/", {"step": "postcode", "postcode": "not a postcode"})
    assert "Enter a real postcode, like UB3 2ZX" in page.content.decode()
    client.post(base + "address/", {"step": "postcode", "postcode": "UB8 1QA"})
    client.post(base + "address/", {"step": "answer", "address": "100021500002"})
    page = client.post(base + "bin_type/", {}).content.decode()
    assert "There is a problem" in page and 'href="#bin_type"' in page
    # A later question cannot be skipped to by URL.
    assert client.get(base + "details/")["Location"] == base + "bin_type/"


@pytest.mark.django_db
def test_answers_that_rule_the_request_out_show_what_to_tell_the_resident(
    client, agent, missed_bin, ama
):
    staff_login(client, agent)
    reply = answer_missed_bin(client, begin(client, ama), bin_out="no")
    page = client.get(reply["Location"]).content.decode()
    assert "We cannot treat this as a missed collection" in page
    assert "Tell the resident" in page
    assert not Case.objects.exists()
    assert FormSession.objects.get().outcome == FormSession.Outcome.NOT_ELIGIBLE


@pytest.mark.django_db
def test_choosing_nothing_or_a_bad_length_gets_clear_errors(client, agent, missed_bin, ama):
    staff_login(client, agent)
    page = client.post(f"/hub/residents/{ama.pk}/requests/new/", {"channel": "carrier-pigeon"})
    text = page.content.decode()
    assert "Choose the service the resident needs" in text
    assert "Choose how the resident contacted us" in text
    assert not FormSession.objects.exists()
    check_url = answer_missed_bin(client, begin(client, ama))["Location"]
    text = client.post(check_url, {"minutes": "ten"}).content.decode()
    assert "Enter the length of the contact in whole minutes" in text
    assert not Case.objects.exists()
    client.post(check_url, {"minutes": "10"})
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_only_staff_who_may_see_the_resident_can_raise_for_them(client, catalogue, ama):
    url = f"/hub/residents/{ama.pk}/requests/new/"
    assert client.get(url)["Location"].startswith("/account/login/")
    highways = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, highways)  # no case of the resident's is in their team
    assert client.get(url).status_code == 403
    assert client.post(url, {"service": "report-pothole", "channel": "phone"}).status_code == 403
    assert not FormSession.objects.exists()


@pytest.mark.django_db
def test_a_request_in_progress_belongs_to_the_agent_who_started_it(client, agent, missed_bin, ama):
    staff_login(client, agent)
    first = begin(client, ama)
    other = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"), membership__role=Role.AGENT
    )
    staff_login(client, other)
    assert client.get(first).status_code == 404
