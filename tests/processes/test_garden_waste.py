"""Garden waste subscription: every path of ``garden_waste.bpmn`` (has a bin; needs one
delivered by the waste team; reminded before the end; renewed by a payment, which arrives as
the ``payment_received`` message from the payments app; lapsed when not renewed) and a
delivery decision that does not cover an answer (the instance stops, shown in the hub)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.core.actors import ResidentActor, SystemActor
from borough.core.channels import Channel
from borough.payments.agreements import agreement_cancel, next_year
from borough.payments.models import Agreement
from borough.payments.renewals import renewals_take
from borough.processes.library.garden import GRACE_DAYS
from borough.processes.models import InstanceStatus, ProcessStep, StepState
from borough.processes.services import start_process, sweep_timers
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.payments.conftest import fill_form, pay

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
GARDEN = "subscribe-to-garden-waste"


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


@pytest.fixture
def subscribed(client, catalogue, gazetteer, processes, settings):
    """A signed-in resident who paid for two bins on the sandbox (with a renewal agreement)."""
    settings.GOVUK_PAY_SANDBOX_WEBHOOKS = False
    user = ResidentUserFactory(email="ama@example.com")
    ResidentFactory(first_name="Ama", last_name="Owusu", email="ama@example.com", user=user)
    client.force_login(user)

    def walk(has_bin: str):
        check = fill_form(
            client,
            catalogue[GARDEN],
            {"bin_count": {"bin_count": "2"}, "has_bin": {"has_bin": has_bin}},
        )
        client.get(pay(client, client.post(check)["Location"]))
        agreement = Agreement.objects.get()
        case = agreement.case
        instance = start_process(
            key="garden-waste", case=case, actor=SYSTEM, data={"answers": case.answers}
        )
        instance.refresh_from_db()
        return agreement, instance

    return walk


def test_renewal_paid_through_the_agreement_extends_the_year(
    subscribed, django_capture_on_commit_callbacks
):
    agreement, instance = subscribed("yes")
    case = agreement.case
    assert not instance.steps.filter(step_id="deliver_bin").exists()
    ends_on = agreement.renews_on
    assert f"runs until {ends_on:%A} {ends_on.day}" in _told(case)
    # 21 days before: the resident's card renews it, so Pay's own notice tells them (not twice).
    assert sweep_timers(now=_at(ends_on - dt.timedelta(days=21))) == 1
    instance.refresh_from_db()
    assert instance.waiting_for == ["payment_received"]
    with django_capture_on_commit_callbacks(execute=True):
        assert renewals_take(today=ends_on) == 1  # Pay takes the renewal: payment_received
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING
    assert instance.steps.filter(step_id="renew", state=StepState.DONE).exists()
    renewed_to = next_year(ends_on)
    assert f"renewed until {renewed_to:%A} {renewed_to.day}" in _told(case)
    # The lapse timer of the first year is gone: a week after, nothing ends.
    assert sweep_timers(now=_at(ends_on + dt.timedelta(days=GRACE_DAYS + 1))) == 0
    # The next year's reminder is due 21 days before the new end.
    assert instance.next_timer_at.date() == renewed_to - dt.timedelta(days=21)


def test_not_renewed_lapses_after_the_reminder(client, subscribed):
    agreement, instance = subscribed("yes")
    case = agreement.case
    agreement_cancel(actor=ResidentActor(user=agreement.user), agreement=agreement)
    ends_on = agreement.renews_on
    reminder = _at(ends_on - dt.timedelta(days=21))
    assert sweep_timers(now=reminder) == 1
    assert sweep_timers(now=reminder) == 0  # swept twice: reminded once
    assert case.events.filter(text__contains="subscribe again before then").count() == 1
    assert sweep_timers(now=_at(ends_on + dt.timedelta(days=GRACE_DAYS))) == 1
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert "because it was not renewed" in _told(case)


def test_a_home_without_a_bin_gets_one_delivered_by_the_waste_team(
    subscribed, waste_officer, staff_login
):
    agreement, instance = subscribed("no")
    step = ProcessStep.objects.get(instance=instance, step_id="deliver_bin")
    assert step.state == StepState.WAITING and step.team == "waste"
    assert not instance.steps.filter(step_id="subscribe").exists()  # not before the bins
    hub = Client()
    staff_login(hub, waste_officer)
    page = hub.get(f"/hub/processes/tasks/{step.pk}/").content.decode()
    assert "Deliver the brown bins" in page and "Where the bins were left" in page
    hub.post(f"/hub/processes/tasks/{step.pk}/", {"delivery_note": "By the side gate"})
    instance.refresh_from_db()
    assert ProcessStep.objects.get(pk=step.pk).by == waste_officer
    assert instance.status == InstanceStatus.WAITING
    assert "brown bins have been delivered" in _told(agreement.case)
    assert instance.decisions == {"garden_waste_delivery": 1}


def test_an_answer_the_delivery_table_does_not_cover_stops_and_shows_in_the_hub(
    catalogue, gazetteer, processes, staff_login
):
    case = case_create(
        actor=ResidentActor(),
        service=catalogue[GARDEN],
        channel=Channel.WEB,
        answers={
            "address": 100021500001,
            "has_bin": "yes",
            "bin_count": 1,
            "name": "Ada Lovelace",
            "email": "ada@example.org",
        },
    )
    instance = start_process(
        key="garden-waste",
        case=case,
        actor=SYSTEM,
        data={"answers": case.answers | {"has_bin": "shared with next door"}},
    )
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED
    assert "garden_waste_delivery" in instance.error and "has no rule" in instance.error
    lead = StaffFactory(
        email="waste.lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    hub = Client()
    staff_login(hub, lead)
    page = hub.get("/hub/processes/garden-waste/").content.decode()
    assert "shared with next door" in page and case.reference in page


def test_a_resident_who_reads_polish_is_told_in_polish(catalogue, gazetteer, processes):
    resident = ResidentFactory(first_name="Ola", last_name="Nowak", preferred_language="pl")
    case = case_create(
        actor=ResidentActor(resident=resident),
        service=catalogue[GARDEN],
        channel=Channel.WEB,
        resident=resident,
        answers={
            "address": 100021500001,
            "has_bin": "yes",
            "bin_count": 1,
            "name": "Ola Nowak",
            "email": "ola@example.org",
        },
    )
    start_process(key="garden-waste", case=case, actor=SYSTEM, data={"answers": case.answers})
    assert "Twoja subskrypcja odbioru odpadów zielonych się rozpoczęła" in _told(case)
