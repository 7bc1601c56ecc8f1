"""Bulky waste booking: every path of ``bulky_waste.bpmn`` (booked, reminded, collected;
cancelled early with a full refund and late with none; the day filled up while paying: refund
and sorry; no day set for the ward: a waste officer arranges it), the race for the last place,
unpaid holds released, and the faults: Pay down during a refund, a refund table that does not
cover the input, a timer swept twice."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.test import Client
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.models import CaseEvent, Resolution, Status
from borough.core.actors import StaffActor, SystemActor
from borough.payments.models import Payment, Refund, SandboxPayment
from borough.places.models import Ward
from borough.processes.library import bulky
from borough.processes.models import (
    BookingState,
    BulkyBooking,
    BulkySlot,
    InstanceStatus,
    ProcessStep,
    StepState,
)
from borough.processes.services import complete_task, retry, start_process, sweep_timers
from borough.processes.versions import save_decision_table
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.payments.conftest import fill_form, pay

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


@pytest.fixture
def ward(gazetteer):
    return Ward.objects.get(code="E05900001")


@pytest.fixture
def slot(ward):
    return BulkySlot.objects.create(
        date=timezone.localdate() + dt.timedelta(days=7), ward=ward, capacity=2
    )


@pytest.fixture
def resident(client):
    user = ResidentUserFactory(email="ama@example.com")
    ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com", user=user)
    client.force_login(user)
    return user


@pytest.fixture
def book(client, catalogue, gazetteer, processes, settings):
    """Walk the portal: answers, choose the day, pay £20 on the sandbox; start the process
    (on the live site the new case starts it after the commit)."""
    settings.GOVUK_PAY_SANDBOX_WEBHOOKS = False

    def walk(slot=None):
        check = fill_form(client, catalogue[bulky.SERVICE], {"item_count": {"item_count": "2"}})
        location = client.post(check)["Location"]
        if slot is not None:
            assert location == "/services/book-bulky-waste-collection/collection-day/"
            page = client.get(location).content.decode()
            assert "Choose a collection day" in page and slot.date.strftime("%B %Y") in page
            location = client.post(location, {"slot": slot.pk})["Location"]
        client.get(pay(client, location))
        payment = Payment.objects.exclude(case=None).latest("created_at")
        instance = start_process(key="bulky-waste", case=payment.case, actor=SYSTEM)
        instance.refresh_from_db()
        return payment.case, instance

    return walk


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


def test_booked_reminded_the_day_before_then_closed_after_collection(book, slot):
    case, instance = book(slot)
    booking = BulkyBooking.objects.get(case=case)
    assert booking.state == BookingState.BOOKED and BulkySlot.objects.get().booked == 1
    assert instance.status == InstanceStatus.WAITING
    assert "booked for" in _told(case) and str(slot.date.day) in _told(case)
    day_before = timezone.make_aware(
        dt.datetime.combine(slot.date - dt.timedelta(days=1), dt.time(9, 1))
    )
    assert sweep_timers(now=day_before - dt.timedelta(hours=1)) == 0
    assert sweep_timers(now=day_before) == 1
    assert sweep_timers(now=day_before) == 0  # a timer swept twice reminds once
    reminders = case.events.filter(is_public=True, text__startswith="Reminder:")
    assert reminders.count() == 1 and "tomorrow" in reminders.get().text
    assert sweep_timers(now=day_before + dt.timedelta(days=1, hours=12)) == 1
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert case.status == Status.CLOSED and case.resolution == Resolution.FIXED
    assert BulkyBooking.objects.get().state == BookingState.COLLECTED
    saved = sum(instance.steps.values_list("minutes_saved", flat=True))
    assert saved == 3 + 2 + 2 + 1


def test_cancelled_in_time_from_myaccount_refunds_in_full_and_frees_the_place(
    client, resident, book, slot
):
    case, instance = book(slot)
    booking = BulkyBooking.objects.get(case=case)
    page = client.get("/my-account/").content.decode()
    assert "Your bulky waste collections" in page and case.reference in page
    url = f"/my-account/bulky-waste/{booking.pk}/cancel/"
    assert "we refund £20 to your card" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    instance.refresh_from_db()
    booking.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert booking.state == BookingState.CANCELLED and booking.refunded_pence == 2000
    assert BulkySlot.objects.get().booked == 0  # the place is free again
    assert Refund.objects.get().amount_pence == 2000
    assert SandboxPayment.objects.get().refunds[0]["amount"] == 2000
    assert case.status == Status.CLOSED and "refunded £20" in _told(case)
    page = client.get("/my-account/").content.decode()
    assert "Cancelled." in page and "Refunded: £20" in page
    assert instance.decisions == {"bulky_refund": 1}


def test_cancelled_after_the_cut_off_gives_no_refund(client, resident, book, ward):
    tomorrow = BulkySlot.objects.create(
        date=timezone.localdate() + dt.timedelta(days=1), ward=ward, capacity=5
    )
    case, instance = book(tomorrow)
    booking = BulkyBooking.objects.get(case=case)
    url = f"/my-account/bulky-waste/{booking.pk}/cancel/"
    assert "too close to the collection day" in client.get(url).content.decode()
    client.post(url)
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.refunded_pence == 0
    assert not Refund.objects.exists() and BulkySlot.objects.get().booked == 0
    assert "too close to the collection day for a refund" in _told(case)


def test_the_last_place_goes_to_one_resident_only(slot):
    BulkySlot.objects.filter(pk=slot.pk).update(booked=1)  # one place left
    first = bulky.hold(form_token="first", slot=slot)
    with pytest.raises(bulky.SlotFull):
        bulky.hold(form_token="second", slot=slot)
    assert first.state == BookingState.HELD
    slot.refresh_from_db()
    assert slot.booked == slot.capacity == 2
    assert list(bulky.slots_with_room(slot.ward_id)) == []


def test_a_full_day_is_refused_politely_on_the_portal(client, catalogue, gazetteer, slot):
    fill_form(client, catalogue[bulky.SERVICE], {"item_count": {"item_count": "2"}})
    client.post("/services/book-bulky-waste-collection/check-answers/")
    BulkySlot.objects.filter(pk=slot.pk).update(booked=2)  # taken while the page was open
    response = client.post(
        "/services/book-bulky-waste-collection/collection-day/", {"slot": slot.pk}
    )
    page = response.content.decode()
    assert response.status_code == 409 and "someone has just taken the last place" in page
    assert "Choose a collection day" in page and "every collection day" in page  # none left
    assert not BulkyBooking.objects.exists() and not Payment.objects.exists()


def test_an_unpaid_hold_is_released_and_a_late_payment_refunded_with_an_apology(client, book, slot):
    BulkySlot.objects.filter(pk=slot.pk).update(capacity=1)
    original = book.__wrapped__ if hasattr(book, "__wrapped__") else None
    assert original is None
    # The resident holds the last place and goes to pay, but takes too long.
    check = fill_form(client, slot_service(slot), {"item_count": {"item_count": "2"}})
    location = client.post(client.post(check)["Location"], {"slot": slot.pk})["Location"]
    assert bulky.release_lapsed_holds(now=timezone.now() + dt.timedelta(minutes=50)) == 1
    assert BulkySlot.objects.get().booked == 0
    BulkySlot.objects.filter(pk=slot.pk).update(booked=1)  # someone else takes the place
    client.get(pay(client, location))
    case = Payment.objects.get().case
    instance = start_process(key="bulky-waste", case=case, actor=SYSTEM)
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert case.resolution == Resolution.NOT_POSSIBLE and "filled up" in _told(case)
    assert Refund.objects.get().amount_pence == 2000


def test_a_late_payment_retakes_the_place_when_it_is_still_free(client, book, slot):
    """The hold lapsed while the resident paid, but nobody took the place: the process books
    it again, so a slow payer keeps the day they chose."""
    check = fill_form(client, slot_service(slot), {"item_count": {"item_count": "2"}})
    location = client.post(client.post(check)["Location"], {"slot": slot.pk})["Location"]
    assert bulky.release_lapsed_holds(now=timezone.now() + dt.timedelta(minutes=10)) == 0
    assert bulky.release_lapsed_holds(now=timezone.now() + dt.timedelta(minutes=50)) == 1
    assert BulkyBooking.objects.get().state == BookingState.RELEASED
    assert BulkySlot.objects.get().booked == 0
    client.get(pay(client, location))
    case = Payment.objects.get().case
    start_process(key="bulky-waste", case=case, actor=SYSTEM)
    booking = BulkyBooking.objects.get(case=case)
    assert booking.state == BookingState.BOOKED and BulkySlot.objects.get().booked == 1
    assert "booked for" in _told(case) and not Refund.objects.exists()


def slot_service(slot):
    from borough.catalogue.models import Service

    return Service.objects.get(slug=bulky.SERVICE)


def test_no_days_set_for_the_ward_goes_to_a_waste_officer(book, waste_officer):
    case, instance = book()  # no slots: the portal goes straight to paying
    step = ProcessStep.objects.get(instance=instance, step_id="arrange")
    assert step.state == StepState.WAITING and step.team == "waste"
    complete_task(step=step, actor=StaffActor(waste_officer), answers={"note": "Tuesday"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


def _pay_down(monkeypatch):
    from borough.payments import refunds
    from borough.payments.client import PayClient
    from tests.payments.test_contract import Canned

    session = requests.Session()
    session.mount("https://pay.test", Canned(503, None))
    monkeypatch.setattr(
        refunds, "pay_client", lambda: PayClient("https://pay.test", "k", session=session)
    )


def _lead():
    return StaffFactory(
        email="waste.lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )


def test_pay_down_during_the_refund_keeps_the_booking_and_shows_in_the_hub(
    client, resident, book, slot, monkeypatch, staff_login
):
    case, instance = book(slot)
    booking = BulkyBooking.objects.get(case=case)
    _pay_down(monkeypatch)
    client.post(f"/my-account/bulky-waste/{booking.pk}/cancel/")
    instance.refresh_from_db()
    booking.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED and "did not answer" in instance.error
    assert booking.state == BookingState.BOOKED and not Refund.objects.exists()
    assert BulkySlot.objects.get().booked == 1  # nothing of the failed run kept
    lead = _lead()
    hub = Client()
    staff_login(hub, lead)
    page = hub.get(f"/hub/processes/{instance.definition.key}/").content.decode()
    assert "did not answer" in page
    monkeypatch.undo()  # Pay is back
    retry(instance=instance, actor=StaffActor(lead))
    instance.refresh_from_db()
    booking.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert booking.state == BookingState.CANCELLED and booking.refunded_pence == 2000


def test_a_refund_table_without_a_rule_stops_the_instance_until_it_is_fixed(
    client, resident, book, slot
):
    from borough.processes.shipped import HERE

    shipped = (HERE / "bulky_refund.dmn").read_text()
    lacking = shipped.replace("&gt;= 2", "&gt;= 9")  # a week's notice: 7 days is not covered
    save_decision_table(key="bulky_refund", name="Bulky refund", dmn=lacking, reason="test")
    case, instance = book(slot)
    booking = BulkyBooking.objects.get(case=case)
    from borough.processes.services import SYSTEM as ENGINE
    from borough.processes.services import send_message

    send_message(case_id=case.pk, name="bulky_cancelled", payload={}, actor=ENGINE)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED and "has no rule" in instance.error
    assert "bulky_refund" in instance.error and BulkyBooking.objects.get().state == "booked"
    save_decision_table(key="bulky_refund", name="Bulky refund", dmn=shipped, reason="fixed")
    retry(instance=instance, actor=SYSTEM)
    instance.refresh_from_db()
    booking.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and booking.refunded_pence == 2000
    assert instance.decisions["bulky_refund"] == 3
    assert case.events.filter(kind=CaseEvent.Kind.PROCESS_STEP).exists()


def test_waste_staff_set_days_with_a_command_and_bad_input_is_refused(ward):
    from django.core.management import CommandError, call_command

    call_command(
        "bulky_slots",
        ward="E05900001",
        start="2027-01-04",
        end="2027-01-17",
        weekdays="tue,thu",
        capacity=3,
    )
    days = list(BulkySlot.objects.values_list("date", "capacity"))
    assert [d.isoformat() for d, _ in days] == [
        "2027-01-05",
        "2027-01-07",
        "2027-01-12",
        "2027-01-14",
    ]
    BulkySlot.objects.filter(date="2027-01-05").update(booked=3)
    call_command(
        "bulky_slots",
        ward="E05900001",
        start="2027-01-05",
        end="2027-01-05",
        capacity=1,
    )
    assert BulkySlot.objects.get(date="2027-01-05").capacity == 3  # never below what is booked
    with pytest.raises(CommandError, match="No ward"):
        call_command("bulky_slots", ward="nope", start="2027-01-04", end="2027-01-05", capacity=1)
    # The demo (make run) sets days for every ward at once.
    call_command("bulky_slots", every_ward=True, start="2027-02-01", end="2027-02-07", capacity=5)
    assert BulkySlot.objects.filter(date="2027-02-02").count() == Ward.objects.count() >= 1
    with pytest.raises(CommandError, match="weekdays"):
        call_command(
            "bulky_slots",
            ward="E05900001",
            start="2027-01-04",
            end="2027-01-05",
            weekdays="someday",
            capacity=1,
        )


def test_payments_tell_the_case_processes_they_were_paid_and_refunded(
    client, resident, book, slot, django_capture_on_commit_callbacks
):
    from borough.payments.signals import payment_refunded, payment_taken

    heard = []

    def listen(sender, **kwargs):
        heard.append((kwargs["signal"] is payment_taken, kwargs["case_id"], kwargs["amount_pence"]))

    payment_taken.connect(listen, dispatch_uid="test-taken")
    payment_refunded.connect(listen, dispatch_uid="test-refunded")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case, instance = book(slot)
        booking = BulkyBooking.objects.get(case=case)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/my-account/bulky-waste/{booking.pk}/cancel/")
    finally:
        payment_taken.disconnect(dispatch_uid="test-taken")
        payment_refunded.disconnect(dispatch_uid="test-refunded")
    assert heard == [(True, case.pk, 2000), (False, case.pk, 2000)]


@pytest.mark.django_db(transaction=True)
def test_two_residents_at_the_same_moment_cannot_both_have_the_last_place(gazetteer):
    """Two threads, two database connections, one place: the guarded update lets one in."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the race needs PostgreSQL's row locks")
    slot = BulkySlot.objects.create(
        date=timezone.localdate() + dt.timedelta(days=5),
        ward=Ward.objects.get(code="E05900001"),
        capacity=3,
        booked=2,
    )
    start, results = threading.Barrier(2), []

    def take(token: str) -> None:
        try:
            start.wait()
            bulky.hold(form_token=token, slot=slot)
            results.append("held")
        except bulky.SlotFull:
            results.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(name,)) for name in ("ama", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["full", "held"]
    slot.refresh_from_db()
    assert slot.booked == 3 and BulkyBooking.objects.count() == 1
