"""The SLA check: at risk and overdue cases are marked once each, and team leads are told
about overdue ones. "Now" is passed in; the dates go round a bank holiday weekend."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.models import Case, CaseEvent
from borough.cases.sla import sla_check
from borough.cases.workflow import case_transition
from borough.core.actors import StaffActor
from tests.factories import StaffFactory

# Friday 22 August 2025. Monday 25 August is the summer bank holiday, so the next working
# day is Tuesday 26 August.
NOW = timezone.make_aware(dt.datetime(2025, 8, 22, 9, 30))
FRIDAY = dt.date(2025, 8, 22)


@pytest.fixture
def due(make_case):
    def make(day: dt.date, uprn: int = 100021500001) -> Case:
        case = make_case(uprn)
        Case.objects.filter(pk=case.pk).update(due_date=day)
        return Case.objects.get(pk=case.pk)

    return make


@pytest.fixture
def waste_leads(catalogue):
    waste = Team.objects.get(slug="waste")
    return [
        StaffFactory(
            first_name="Priya",
            last_name="Lead",
            email="priya.lead@council.example",
            membership__team=waste,
            membership__role=Role.TEAM_LEAD,
        ),
        StaffFactory(
            first_name="Tom",
            last_name="Lead",
            email="tom.lead@council.example",
            membership__team=waste,
            membership__role=Role.TEAM_LEAD,
        ),
    ]


def kinds(case) -> list[str]:
    return list(case.events.order_by("id").values_list("kind", flat=True))


@pytest.mark.django_db
def test_cases_due_today_or_on_the_next_working_day_are_at_risk(due):
    today = due(FRIDAY)
    tuesday = due(dt.date(2025, 8, 26))  # after the bank holiday: still the next working day
    wednesday = due(dt.date(2025, 8, 27))
    report = sla_check(now=NOW)
    assert sorted(report.at_risk) == sorted([today.pk, tuesday.pk])
    assert report.overdue == []
    assert kinds(today) == ["created", "at_risk"]
    event = tuesday.events.get(kind=CaseEvent.Kind.AT_RISK)
    assert event.text == "Due 26 August 2025: at risk of missing it"
    assert event.at == NOW and not event.is_public
    assert not wednesday.events.filter(kind=CaseEvent.Kind.AT_RISK).exists()
    assert Case.objects.get(pk=tuesday.pk).at_risk_at == NOW


@pytest.mark.django_db
def test_the_at_risk_threshold_is_a_setting(due, settings):
    settings.SLA_AT_RISK_WORKING_DAYS = 2
    wednesday = due(dt.date(2025, 8, 27))
    thursday = due(dt.date(2025, 8, 28))
    assert sla_check(now=NOW).at_risk == [wednesday.pk]
    assert not thursday.events.filter(kind=CaseEvent.Kind.AT_RISK).exists()


@pytest.mark.django_db
def test_overdue_cases_are_escalated_to_each_team_lead_once(
    due, waste_leads, django_capture_on_commit_callbacks
):
    overdue = due(dt.date(2025, 8, 21))
    older = due(dt.date(2025, 8, 18), uprn=100021500005)
    closed = due(dt.date(2025, 8, 20), uprn=100021500009)
    case_transition(case=closed, to_state="fixed", actor=StaffActor(waste_leads[0]))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):  # each email is queued on commit
        report = sla_check(now=NOW)

    assert sorted(report.overdue) == sorted([overdue.pk, older.pk])
    assert [m.to for m in mail.outbox] == [
        ["priya.lead@council.example"],
        ["tom.lead@council.example"],
    ]
    message = mail.outbox[0]
    assert message.subject == "2 cases are now overdue"
    assert message.body.startswith("Hello Priya,")
    # Oldest first, with a link to each case.
    assert message.body.index(older.reference) < message.body.index(overdue.reference)
    assert f"{settings.SITE_URL}/hub/cases/{overdue.reference}/" in message.body
    assert "(due 21 August 2025)" in message.body
    assert kinds(overdue)[-2:] == ["overdue", "escalated"]
    escalated = overdue.events.get(kind=CaseEvent.Kind.ESCALATED)
    assert escalated.text == "Team lead told: Priya Lead, Tom Lead"
    assert escalated.data == {"told": [waste_leads[0].pk, waste_leads[1].pk]}
    assert overdue.events.get(kind=CaseEvent.Kind.OVERDUE).text == "Was due 21 August 2025"
    assert not closed.events.filter(kind=CaseEvent.Kind.OVERDUE).exists()

    # Running again (every 15 minutes) writes and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = sla_check(now=NOW + dt.timedelta(minutes=15))
    assert (again.at_risk, again.overdue, again.told) == ([], [], {})
    assert len(mail.outbox) == 2
    assert kinds(overdue).count("overdue") == 1
    assert kinds(overdue).count("escalated") == 1


@pytest.mark.django_db
def test_an_at_risk_case_becomes_overdue_later_and_is_marked_again_only_as_overdue(due):
    case = due(FRIDAY)
    sla_check(now=NOW)
    tuesday = NOW + dt.timedelta(days=4)
    assert sla_check(now=tuesday).overdue == [case.pk]
    assert sla_check(now=tuesday).overdue == []
    assert [k for k in kinds(case) if k in {"at_risk", "overdue"}] == ["at_risk", "overdue"]


@pytest.mark.django_db
def test_without_a_team_lead_the_overdue_case_is_marked_but_nobody_is_emailed(
    due, django_capture_on_commit_callbacks
):
    case = due(dt.date(2025, 8, 21))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = sla_check(now=NOW)
    assert report.overdue == [case.pk] and report.told == {}
    assert mail.outbox == []
    assert "escalated" not in kinds(case)


@pytest.mark.django_db
def test_the_sla_check_does_not_make_an_open_case_page_stale(due):
    case = due(dt.date(2025, 8, 21))
    sla_check(now=NOW)
    assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(
    due, waste_leads, django_assert_num_queries, django_capture_on_commit_callbacks
):
    def make(count: int):
        for n in range(count):
            due(dt.date(2025, 8, 21) if n % 2 else FRIDAY)

    make(2)
    # Select at risk, select overdue, mark at risk, the team leads, mark overdue, write events
    # (and the savepoint around them); then one message in the outbox per team lead told. The
    # council's brand, which signs the messages, is read once and kept in the cache.
    from borough.core.brand import brand_current

    brand_current()
    expected = 8 + len(waste_leads)
    with django_assert_num_queries(expected), django_capture_on_commit_callbacks(execute=True):
        sla_check(now=NOW)
    make(30)
    with django_assert_num_queries(expected), django_capture_on_commit_callbacks(execute=True):
        report = sla_check(now=NOW + dt.timedelta(minutes=15))
    assert (len(report.at_risk), len(report.overdue)) == (15, 15)


@pytest.mark.django_db
def test_the_management_command_runs_the_check(due, capsys):
    due(dt.date(2000, 1, 3))
    call_command("sla_check")
    assert "0 newly at risk, 1 newly overdue, 0 team lead(s) emailed" in capsys.readouterr().out


@pytest.mark.django_db
def test_huey_runs_the_check_every_quarter_of_an_hour(due):
    from borough.cases.sla import sla_check_every_quarter_hour

    due(dt.date(2000, 1, 3))
    task = sla_check_every_quarter_hour.task_class()
    assert task.validate_datetime(dt.datetime(2025, 8, 22, 9, 45))
    assert not task.validate_datetime(dt.datetime(2025, 8, 22, 9, 46))
    assert sla_check_every_quarter_hour.call_local() == (
        "0 newly at risk, 1 newly overdue, 0 team lead(s) emailed"
    )
