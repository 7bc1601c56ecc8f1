"""Device lending (issue 26): the waiting list's priority and why, the officer's decision,
least privilege, the loan agreement, the secure wipe before a device goes out again, losses,
the reminders and the three-month survey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from borough.cases.errors import NotAllowed
from borough.core.actors import ResidentActor, StaffActor
from borough.core.models import AuditEvent
from borough.inclusion import services
from borough.inclusion import sessions as skills
from borough.inclusion.errors import Invalid
from borough.inclusion.models import Device, Loan, Nomination, Survey
from borough.inclusion.reminders import reminders_send
from borough.inclusion.selectors import report_by_ward, waiting_list
from borough.insights.dashboards import dashboard
from borough.insights.services import counts_rebuild
from borough.notify.models import Message
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _approve(actor, nomination):
    return services.decide(
        actor=actor,
        nomination=nomination,
        approve=True,
        reason="Meets the rules",
        rule_ids=list(nomination.rules_met.values_list("pk", flat=True)),
    )


def _lent(world, nomination, officer_actor):
    _approve(officer_actor, nomination)
    loan = services.offer(actor=officer_actor, nomination=nomination, device=world["laptop"])
    services.accept(
        actor=ResidentActor(resident=world["ama"], user=world["user"]),
        loan=loan,
        agreed=True,
        handover="collect",
        handover_on=_next_weekday(),
        place="Central Library",
        places=["Central Library"],
    )
    return services.hand_over(actor=officer_actor, loan=loan)


def _next_weekday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_the_waiting_list_goes_by_priority_then_date_and_says_why(world, officer_actor):
    rules = world["rules"]
    first = ResidentFactory()
    later_but_needier = ResidentFactory()
    for resident, codes in ((first, ["older"]), (later_but_needier, ["no-device", "isolated"])):
        n = services.nominate(
            actor=officer_actor,
            resident=resident,
            kind_wanted="tablet",
            reason="Cannot get online",
            rule_ids=[rules["lives-in-borough"].pk] + [rules[c].pk for c in codes],
            consent=True,
        )
        _approve(officer_actor, n)
    rows = waiting_list()
    assert [(place, n.resident) for place, n, _ in rows] == [(1, later_but_needier), (2, first)]
    assert rows[0][2] == (
        "Has no computer, tablet or smartphone at home (30) + Lives alone or is socially "
        "isolated (15)"
    )
    assert rows[0][1].priority == 45 and rows[1][1].priority == 10


def test_consent_reason_and_required_rules_are_enforced_with_clear_errors(
    world, officer_actor, nominated
):
    with pytest.raises(Invalid) as refused:
        services.nominate(
            actor=officer_actor,
            resident=world["ama"],
            kind_wanted="phone",
            reason=" ",
            rule_ids=[999999],
            consent=False,
        )
    assert set(refused.value.errors) == {"kind_wanted", "reason", "consent", "rules"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nominated.pk).update(consent_given=False)
    # Approving without a required rule is refused, naming it; the nomination is unchanged.
    with pytest.raises(Invalid) as refused:
        services.decide(
            actor=officer_actor,
            nomination=nominated,
            approve=True,
            reason="ok",
            rule_ids=[world["rules"]["no-device"].pk],
        )
    assert "Lives in the borough" in refused.value.errors["decision"]
    nominated.refresh_from_db()
    assert nominated.status == Nomination.Status.DECISION and nominated.priority == 50


def test_only_the_inclusion_team_decides_and_partners_nominate_only_for_their_own(
    world, nominated, agent
):
    for actor in (StaffActor(agent), ResidentActor(user=world["librarian"])):
        with pytest.raises(NotAllowed):
            services.decide(
                actor=actor, nomination=nominated, approve=True, reason="x", rule_ids=[]
            )
    with pytest.raises(NotAllowed):
        services.nominate(
            actor=ResidentActor(user=world["helper"]),
            resident=world["ama"],
            partner=world["library"],
            kind_wanted="laptop",
            reason="x",
            rule_ids=[],
            consent=True,
        )
    waste = StaffFactory()
    with pytest.raises(NotAllowed):
        services.nominate(
            actor=StaffActor(waste),
            resident=world["ama"],
            kind_wanted="laptop",
            reason="x",
            rule_ids=[],
            consent=True,
        )
    assert Nomination.objects.count() == 1


def test_a_returned_device_cannot_go_out_again_until_its_wipe_is_recorded(
    world, nominated, officer_actor
):
    loan = _lent(world, nominated, officer_actor)
    services.give_back(actor=officer_actor, loan=loan, condition="good", notes="")
    laptop = Device.objects.get(pk=world["laptop"].pk)
    assert laptop.status == Device.Status.AWAITING_WIPE
    second = services.nominate(
        actor=officer_actor,
        resident=ResidentFactory(),
        kind_wanted="laptop",
        reason="Needs one",
        rule_ids=[world["rules"]["lives-in-borough"].pk],
        consent=True,
    )
    _approve(officer_actor, second)
    with pytest.raises(Invalid, match="not available"):
        services.offer(actor=officer_actor, nomination=second, device=laptop)
    # Even with its status changed by hand, the missing wipe is caught.
    Device.objects.filter(pk=laptop.pk).update(status=Device.Status.AVAILABLE)
    with pytest.raises(Invalid, match="record a wipe first"):
        services.offer(actor=officer_actor, nomination=second, device=laptop)
    Device.objects.filter(pk=laptop.pk).update(status=Device.Status.AWAITING_WIPE)
    laptop.refresh_from_db()
    with pytest.raises(Invalid, match="not for this kind"):
        services.wipe(actor=officer_actor, device=laptop, method="sim_reset", notes="")
    with pytest.raises(NotAllowed):
        services.wipe(
            actor=ResidentActor(user=world["librarian"]), device=laptop, method="reimage", notes=""
        )
    record = services.wipe(actor=officer_actor, device=laptop, method="crypto_erase", notes="")
    assert record.wiped_by == world["officer"] and record.method == "crypto_erase"
    again = services.offer(actor=officer_actor, nomination=second, device=laptop)
    assert again.device == laptop and again.status == Loan.Status.OFFERED


def test_a_damaged_device_is_written_off_after_its_wipe_and_a_lost_one_never_comes_back(
    world, nominated, officer_actor
):
    loan = _lent(world, nominated, officer_actor)
    with pytest.raises(Invalid) as refused:
        services.give_back(actor=officer_actor, loan=loan, condition="damaged", notes="")
    assert refused.value.errors == {"notes": "Say what is damaged"}
    services.give_back(actor=officer_actor, loan=loan, condition="damaged", notes="Cracked screen")
    laptop = Device.objects.get(pk=world["laptop"].pk)
    services.wipe(actor=officer_actor, device=laptop, method="reimage", notes="")
    laptop.refresh_from_db()
    assert laptop.status == Device.Status.WRITTEN_OFF
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.DAMAGED


def test_an_agent_accepts_for_the_resident_on_the_phone_and_bad_bookings_are_refused(
    world, nominated, officer_actor, agent, django_capture_on_commit_callbacks
):
    _approve(officer_actor, nominated)
    with django_capture_on_commit_callbacks(execute=True):
        loan = services.offer(actor=officer_actor, nomination=nominated, device=world["laptop"])
    assert Message.objects.filter(template="inclusion_message", to="ama@example.com").exists()
    saturday = timezone.localdate() + dt.timedelta(
        days=(5 - timezone.localdate().weekday()) % 7 or 7
    )
    with pytest.raises(Invalid) as refused:
        services.accept(
            actor=StaffActor(agent),
            loan=loan,
            agreed=False,
            handover="collect",
            handover_on=saturday,
            place="Somewhere else",
            places=["Central Library"],
        )
    assert set(refused.value.errors) == {"agreed", "place", "handover_on"}
    services.accept(
        actor=StaffActor(agent),
        loan=loan,
        agreed=True,
        handover="deliver",
        handover_on=_next_weekday(),
        place="",
        places=["Central Library"],
    )
    loan.refresh_from_db()
    assert loan.accepted_on_behalf and loan.accepted_by == agent
    assert loan.agreement_version == services.AGREEMENT_VERSION
    # Someone else's resident account may not accept it.
    other = ResidentFactory()
    with pytest.raises(NotAllowed):
        services.accept(
            actor=ResidentActor(resident=other),
            loan=loan,
            agreed=True,
            handover="deliver",
            handover_on=_next_weekday(),
            place="",
            places=[],
        )


def test_reminders_and_the_three_month_survey_are_sent_once(world, nominated, officer_actor):
    loan = _lent(world, nominated, officer_actor)
    Loan.objects.filter(pk=loan.pk).update(
        due_back=timezone.localdate() + dt.timedelta(days=3),
        handed_over_at=timezone.now() - dt.timedelta(days=92),
    )
    mail.outbox.clear()
    assert reminders_send() == {"sessions": 0, "returns": 1, "surveys": 1}
    assert reminders_send() == {"sessions": 0, "returns": 0, "surveys": 0}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["How is your device helping you?", "Please return your device"]
    survey = Survey.objects.get(loan=loan)
    assert f"/my-account/devices/survey/{loan.pk}/" in mail.outbox[0].body + mail.outbox[1].body
    actor = ResidentActor(resident=world["ama"], user=world["user"])
    with pytest.raises(Invalid) as refused:
        services.survey_answer(
            actor=actor, survey=survey, can_do=["email", "none"], confidence="9", comment=""
        )
    assert set(refused.value.errors) == {"can_do", "confidence"}
    services.survey_answer(
        actor=actor, survey=survey, can_do=["email", "job_search"], confidence="4", comment=""
    )
    survey.refresh_from_db()
    assert survey.can_do == ["email", "job_search"] and survey.confidence == 4
    row = next(r for r in report_by_ward() if r.surveys)
    assert row.out == 1 and row.surveys == 1


def test_every_change_of_a_residents_loan_is_audited(world, nominated, officer_actor):
    _lent(world, nominated, officer_actor)
    summaries = list(
        AuditEvent.objects.filter(resident_id=world["ama"].pk).values_list("summary", flat=True)
    )
    assert summaries[:1] == ["nominated for a device"] or "nominated for a device" in summaries
    assert {"approved", "loan agreement accepted", "device handed over"} <= set(summaries)


def test_insights_count_loans_sessions_and_surveys_by_ward(
    world, nominated, officer_actor, gazetteer
):
    home = Property.objects.get(uprn=100021500001)
    world["ama"].household = Household.objects.create(property=home, moved_in=dt.date(2020, 1, 1))
    world["ama"].save()
    loan = _lent(world, nominated, officer_actor)
    booking = skills.book(
        actor=officer_actor, session=world["session"], resident=world["ama"], channel="phone"
    )
    today = timezone.localdate()
    counts_rebuild(start=today, end=today)
    table = dashboard(today, today).table("inclusion")
    assert table is not None
    # Handed over 1, returned 0, booked 1 (with the loan's credit), attended 0, surveys 0, 0.
    assert [c.text for c in table.rows[0]] == ["Ashgrove", "1", "0", "1", "0", "0", "0"]
    assert booking.loan == loan
