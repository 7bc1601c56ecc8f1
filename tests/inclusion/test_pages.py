"""The inclusion pages as their users see them: a partner nominates and sees only their own
nominations, the officer decides and offers from the hub, the resident accepts in MyAccount and
books a session, an agent books by phone, the officer records attendance, return and wipe.
Bad input is answered with the error and nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from borough.core.models import AuditEvent
from borough.inclusion import services
from borough.inclusion.models import Booking, Device, DeviceWipe, Loan, Nomination, SkillsSession
from tests.factories import ResidentFactory, ResidentUserFactory

pytestmark = pytest.mark.django_db


def _weekday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_a_partner_nominates_with_clear_errors_and_sees_only_their_own(world, client, nominated):
    client.force_login(world["helper"])
    url = f"/digital-inclusion/partners/{world['charity'].pk}/nominate/"
    bad = client.post(url, {"first_name": "Jo", "reason": "Lonely", "email": "not-an-email"})
    page = bad.content.decode()
    assert bad.status_code == 400
    for message in (
        "Enter the resident&#x27;s last name",
        "Enter an email address in the correct format",
        "Select the kind of device the resident needs",
        "The resident must agree to be nominated",
    ):
        assert message in page
    assert 'value="Jo"' in page and "Lonely</textarea>" in page  # nothing typed is lost
    assert Nomination.objects.count() == 1
    rules = world["rules"]
    good = client.post(
        url,
        {
            "first_name": "Jo",
            "last_name": "Bloggs",
            "email": "jo@example.com",
            "kind_wanted": "tablet",
            "reason": "Lonely since her husband died; wants video calls",
            "rules": [rules["lives-in-borough"].pk, rules["isolated"].pk],
            "consent": "yes",
        },
    )
    assert good.status_code == 302
    home = client.get("/digital-inclusion/partners/").content.decode()
    assert "Jo Bloggs" in home and "Ama Owusu" not in home  # the library's nomination
    # Another partner's nomination is not there to book for.
    assert (
        client.get(f"/digital-inclusion/partners/nominations/{nominated.pk}/book/").status_code
        == 404
    )
    # Another partner's nominate page is not there either; nor for someone with no partner.
    assert (
        client.get(f"/digital-inclusion/partners/{world['library'].pk}/nominate/").status_code
        == 404
    )
    client.force_login(world["user"])
    assert client.get("/digital-inclusion/partners/").status_code == 404


def test_the_officer_decides_and_offers_and_the_resident_accepts_and_books(
    world, client, staff_login, nominated, django_capture_on_commit_callbacks
):
    staff_login(client, world["officer"])
    overview = client.get("/hub/inclusion/").content.decode()
    assert "Ama Owusu" in overview and "Nominations to decide" in overview
    url = f"/hub/inclusion/nominations/{nominated.pk}/"
    page = client.get(url).content.decode()
    assert "50: Has no computer, tablet or smartphone at home (30) + Looking for work" in page
    assert AuditEvent.objects.filter(
        action="viewed", object_type="inclusion nomination", resident_id=world["ama"].pk
    ).exists()
    rules = [str(pk) for pk in nominated.rules_met.values_list("pk", flat=True)]
    refused = client.post(url, {"action": "approve", "rules": rules, "reason": ""})
    assert (
        refused.status_code == 400
        and "Enter the reasons for the decision" in refused.content.decode()
    )
    client.post(url, {"action": "approve", "rules": rules, "reason": "Job seeker, no device"})
    waiting = client.get("/hub/inclusion/").content.decode()
    assert 'data-testid="waiting-list"' in waiting
    assert client.post(url, {"action": "offer", "device": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "offer", "device": world["laptop"].pk, "credits": "2"})
    loan = Loan.objects.get(nomination=nominated)

    client.force_login(world["user"])
    mine = client.get("/my-account/devices/").content.decode()
    assert "Read and accept the loan agreement" in mine
    accept = f"/my-account/devices/{loan.pk}/accept/"
    bad = client.post(
        accept, {"handover": "collect", "handover_on_day": "31", "handover_on_month": "2"}
    )
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Confirm that you agree to the loan agreement" in text and "Enter a real date" in text
    assert "Select the library to collect it from" in text
    day = _weekday()
    ok = client.post(
        accept,
        {
            "agreed": "yes",
            "handover": "collect",
            "place": "Central Library",
            "handover_on_day": day.day,
            "handover_on_month": day.month,
            "handover_on_year": day.year,
        },
    )
    assert ok.status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACCEPTED and not loan.accepted_on_behalf

    sessions = client.get("/digital-skills/").content.decode()
    assert "Getting started online" in sessions and "Places left" in sessions
    client.post(f"/digital-skills/{world['session'].pk}/book/")
    booking = Booking.objects.get(resident=world["ama"])
    assert booking.loan == loan and booking.channel == "online"
    loan.refresh_from_db()
    assert loan.session_credits == 1
    again = client.post(f"/digital-skills/{world['session'].pk}/book/")
    assert again.status_code == 400 and "already a place booked" in again.content.decode()
    client.post("/my-account/devices/", {"booking": booking.pk})
    loan.refresh_from_db()
    assert loan.session_credits == 2  # given back


def test_an_agent_books_by_phone_and_a_full_session_says_so(world, client, staff_login, agent):
    staff_login(client, agent)
    url = f"/hub/inclusion/residents/{world['ama'].pk}/"
    assert client.get(url).status_code == 200
    assert client.get("/hub/inclusion/").status_code == 403  # the team's pages are not theirs
    client.post(url, {"action": "book", "session": world["session"].pk})
    assert Booking.objects.get(resident=world["ama"]).channel == "phone"
    other = ResidentFactory()
    client.post(
        f"/hub/inclusion/residents/{other.pk}/",
        {"action": "book", "session": world["session"].pk},
    )
    last = ResidentFactory()
    full = client.post(
        f"/hub/inclusion/residents/{last.pk}/", {"action": "book", "session": world["session"].pk}
    )
    assert full.status_code == 400 and "This session is full" in full.content.decode()


def test_attendance_return_and_wipe_in_the_hub(
    world, client, staff_login, nominated, officer_actor
):
    services.decide(
        actor=officer_actor,
        nomination=nominated,
        approve=True,
        reason="ok",
        rule_ids=list(nominated.rules_met.values_list("pk", flat=True)),
    )
    services.offer(actor=officer_actor, nomination=nominated, device=world["laptop"])
    staff_login(client, world["officer"])
    url = f"/hub/inclusion/nominations/{nominated.pk}/"
    assert client.post(url, {"action": "handover"}).status_code == 400  # not accepted yet
    assert client.post(url, {"action": "return", "condition": ""}).status_code == 400
    client.post(url, {"action": "return", "condition": "fair", "notes": "No charger"})
    assert Device.objects.get(pk=world["laptop"].pk).status == "awaiting_wipe"
    assert "Record the secure wipe" in client.get(url).content.decode()
    devices = client.get("/hub/inclusion/devices/").content.decode()
    assert "Record the wipe" in devices
    wipe = f"/hub/inclusion/devices/{world['laptop'].pk}/wipe/"
    assert client.post(wipe, {"method": ""}).status_code == 400
    client.post(wipe, {"method": "factory_reset"})
    assert DeviceWipe.objects.get(device=world["laptop"]).wiped_by == world["officer"]

    session = world["session"]
    SkillsSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() + dt.timedelta(minutes=1)
    )
    booking = Booking.objects.create(
        session=session, resident=world["ama"], booked_by=world["officer"], channel="phone"
    )
    SkillsSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = f"/hub/inclusion/sessions/{session.pk}/"
    assert "Who came" in client.get(page).content.decode()
    client.post(page, {"attended": [booking.pk]})
    booking.refresh_from_db()
    assert booking.attended is True
    sessions = client.get("/hub/inclusion/sessions/").content.decode()
    assert "Getting started online" in sessions
    bad = client.post("/hub/inclusion/sessions/", {"title": "", "venue": "", "capacity": "x"})
    assert bad.status_code == 400 and "Enter a real date" in bad.content.decode()
    day = timezone.localdate() + dt.timedelta(days=10)
    client.post(
        "/hub/inclusion/sessions/",
        {
            "title": "Online banking",
            "venue": "Northfield Community Centre",
            "day_day": day.day,
            "day_month": day.month,
            "day_year": day.year,
            "start": "10:00",
            "end": "12:00",
            "capacity": "8",
        },
    )
    assert SkillsSession.objects.filter(title="Online banking", capacity=8).exists()


def test_a_new_account_books_a_session_and_sees_it(world, client):
    newcomer = ResidentUserFactory(email="new@example.com", first_name="Nia", last_name="Bello")
    client.force_login(newcomer)
    assert "You have not booked a session." in client.get("/my-account/devices/").content.decode()
    assert client.post(f"/digital-skills/{world['session'].pk}/book/").status_code == 302
    page = client.get("/my-account/devices/").content.decode()
    assert "Getting started online" in page and "Cancel" in page
