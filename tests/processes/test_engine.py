"""The engine's faults and guarantees, on the SLA escalation process and a small process made
for the test: a timer that fires twice, a message, a service task whose system is down (the
instance shows the error; retry works), a decision table that does not cover an input (the
administrator fixes it; retry uses the new version and the case records it), and a process
changed while instances run (they finish on their version)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.models import CaseEvent
from borough.core.actors import StaffActor, SystemActor
from borough.processes import registry
from borough.processes.models import DecisionTable, InstanceStatus, ProcessInstance
from borough.processes.services import retry, send_message, start_process, sweep_timers
from borough.processes.shipped import HERE
from borough.processes.versions import load_definition, save_decision_table
from tests.factories import StaffFactory

SYSTEM = SystemActor("test")


def _later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pytest.mark.django_db
def test_sla_timers_mark_at_risk_then_escalate_once_even_when_the_sweep_runs_twice(
    processes, make_case, django_capture_on_commit_callbacks
):
    lead = StaffFactory(
        email="lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )
    case = make_case()
    instance = start_process(key="sla-escalation", case=case, actor=SYSTEM)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING and instance.next_timer_at is not None
    assert sweep_timers(now=timezone.now()) == 0  # nothing due yet

    at_risk = instance.next_timer_at
    assert sweep_timers(now=at_risk + dt.timedelta(minutes=1)) == 1
    assert sweep_timers(now=at_risk + dt.timedelta(minutes=1)) == 0  # fired twice: nothing
    case.refresh_from_db()
    assert case.at_risk_at is not None and case.overdue_at is None

    mail.outbox.clear()
    due = _later(10)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_timers(now=due) == 1
        assert sweep_timers(now=due) == 0
    case.refresh_from_db()
    instance.refresh_from_db()
    assert case.overdue_at is not None and instance.status == InstanceStatus.COMPLETED
    assert case.events.filter(kind=CaseEvent.Kind.OVERDUE).count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert case.reference in mail.outbox[0].body


@pytest.mark.django_db
def test_a_case_closed_in_time_ends_its_sla_process_without_escalation(processes, make_case):
    case = make_case()
    instance = start_process(key="sla-escalation", case=case, actor=SYSTEM)
    assert send_message(case_id=case.pk, name="case_closed", payload={}, actor=SYSTEM) == 1
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and instance.next_timer_at is None
    assert instance.steps.filter(step_id="end_closed").exists()
    assert sweep_timers(now=_later(30)) == 0
    # a message nobody waits for is dropped; only Borough's services may send one
    assert send_message(case_id=case.pk, name="case_closed", payload={}, actor=SYSTEM) == 0
    with pytest.raises(PermissionDenied):
        send_message(
            case_id=case.pk, name="case_closed", payload={}, actor=StaffActor(StaffFactory())
        )


@pytest.mark.django_db
def test_a_service_task_whose_system_is_down_fails_visibly_and_retry_works(
    processes, make_case, monkeypatch, waste_officer
):
    case = make_case()
    calls = []

    def down(step, params):
        calls.append(1)
        raise registry.ServiceUnavailable("The crew system did not answer (timeout after 10s)")

    original = registry._SERVICES["bins.check_round"]
    monkeypatch.setitem(registry._SERVICES, "bins.check_round", (down, "down"))
    instance = start_process(key="missed-bin", case=case, actor=SYSTEM)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED
    assert instance.error == "The crew system did not answer (timeout after 10s)"
    assert instance.error_step == "Check the crew's round record"
    assert instance.steps.get(step_id="check_round").state == "failed"
    assert case.events.filter(data__outcome="failed").exists()

    monkeypatch.setitem(registry._SERVICES, "bins.check_round", original)
    with pytest.raises(PermissionDenied):  # an officer of another team may not
        retry(instance=instance, actor=StaffActor(StaffFactory()))
    retry(instance=instance, actor=StaffActor(waste_officer))
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and instance.error == ""
    assert instance.touched_by_person  # a person's retry counts as a person's touch
    assert instance.steps.get(step_id="check_round").state == "done"
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_decision_that_does_not_cover_an_input_fails_and_retries_on_the_fixed_table(
    processes, make_case, admin
):
    # version 2 of the table loses the "no round" rule: a report on a day with no round
    table = DecisionTable.objects.get(key="missed_bin_outcome")
    start, end = (
        table.dmn.index('<rule id="r4">'),
        table.dmn.index("</rule>", table.dmn.index('<rule id="r4">')),
    )
    save_decision_table(
        key=table.key,
        name=table.name,
        actor=StaffActor(admin),
        dmn=table.dmn[:start] + table.dmn[end + len("</rule>") :],
        reason="test",
    )
    load_definition(
        key="missed-bin",
        name="Missed bin",
        process_id="missed_bin",
        bpmn=processes["missed-bin"].bpmn + "\n",
    )  # a new version, same process
    case = make_case()
    instance = start_process(key="missed-bin", case=case, actor=SYSTEM)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED
    assert "decision table 'missed_bin_outcome' has no rule for these inputs" in instance.error
    assert "'Round status': 'no_round'" in instance.error
    assert instance.decisions == {"missed_bin_outcome": 2}

    save_decision_table(key=table.key, name=table.name, dmn=table.dmn, actor=StaffActor(admin))
    retry(instance=instance, actor=StaffActor(admin))
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.decisions == {"missed_bin_outcome": 3}
    decided = case.events.filter(
        kind=CaseEvent.Kind.PROCESS_STEP, data__step="Decide what to do", data__outcome="done"
    )
    assert decided.get().data["detail"] == {"decision": "missed_bin_outcome", "version": 3}


@pytest.mark.django_db
def test_only_an_administrator_changes_a_decision_table_and_a_bad_one_is_refused(
    processes, waste_officer, admin
):
    table = DecisionTable.objects.get(key="missed_bin_outcome")
    with pytest.raises(PermissionDenied):
        save_decision_table(
            key=table.key, name=table.name, dmn=table.dmn + " ", actor=StaffActor(waste_officer)
        )
    with pytest.raises(Exception, match="could not be read"):
        save_decision_table(
            key=table.key, name=table.name, dmn="<definitions", actor=StaffActor(admin)
        )
    assert DecisionTable.objects.filter(key=table.key).count() == 1


@pytest.mark.django_db
def test_a_process_changed_while_instances_run_lets_them_finish_on_their_version(
    processes, make_case
):
    old_case = make_case()
    old = start_process(key="sla-escalation", case=old_case, actor=SYSTEM)
    # version 2 drops the at-risk step: a new instance goes straight to waiting on the due date
    bpmn = (
        (HERE / "sla_escalation.bpmn")
        .read_text()
        .replace('sla["at_risk_at"]', 'sla["overdue_at"]')
        .replace("Mark the case at risk", "No at risk")
    )
    v2 = load_definition(
        key="sla-escalation", name="SLA escalation", process_id="sla_escalation", bpmn=bpmn
    )
    assert v2.version == 2
    new = start_process(key="sla-escalation", case=make_case(), actor=SYSTEM)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.definition.version == 1 and new.definition.version == 2
    assert old.next_timer_at < new.next_timer_at
    sweep_timers(now=old.next_timer_at + dt.timedelta(minutes=1))
    old_case.refresh_from_db()
    assert old_case.at_risk_at is not None  # version 1's step ran for the old instance
    assert (
        ProcessInstance.objects.get(pk=old.pk).steps.filter(name="Mark the case at risk").exists()
    )
