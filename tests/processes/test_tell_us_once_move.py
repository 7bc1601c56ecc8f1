"""Tell us once about a move: every path of ``tell_us_once_move.bpmn`` (moving within the
borough; moving away), each system told once through its connector (the sandbox here, which
records what it was sent), one confirmation in the resident's language, and the faults: one
system down (that step alone fails, shown in the hub with its error; the retry runs only it),
and a decision table that does not cover an input (fixed by an administrator, then retried)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import CaseEvent, Resolution, Status
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.core.channels import Channel
from borough.integrations.models import SandboxSystem, SandboxSystemCall
from borough.processes.models import DecisionTable, InstanceStatus, ProcessStep, StepState
from borough.processes.services import retry, start_process
from borough.processes.versions import save_decision_table
from tests.factories import StaffFactory

SYSTEM = SystemActor("test")
SYSTEMS = ["council_tax", "electoral_registration", "parking", "waste"]


@pytest.fixture
def council_tax_officer(catalogue):
    return StaffFactory(
        email="ctax.officer@council.example",
        membership__team=Team.objects.get(slug="council-tax"),
        membership__role=Role.OFFICER,
    )


@pytest.fixture
def move(catalogue, gazetteer, processes):
    def make(new_address: str, *, resident=None):
        case = case_create(
            actor=ResidentActor(),
            service=catalogue["tell-us-you-have-moved"],
            channel=Channel.WEB,
            resident=resident,
            answers={
                "address": 100021500001,
                "moved_on": timezone.localdate().isoformat(),
                "new_address": new_address,
                "name": "Ada Lovelace",
                "email": "ada@example.org",
            },
        )
        instance = start_process(
            key="tell-us-once-move", case=case, actor=SYSTEM, data={"answers": case.answers}
        )
        instance.refresh_from_db()
        case.refresh_from_db()
        return case, instance

    return make


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


def _messages(case) -> int:
    """How many messages the resident was sent on the case (not counting "received")."""
    return case.events.filter(is_public=True).exclude(kind=CaseEvent.Kind.CREATED).count()


def _calls(case) -> dict[str, str]:
    return dict(
        SandboxSystemCall.objects.filter(reference=case.reference).values_list(
            "system", "operation"
        )
    )


@pytest.mark.django_db
def test_a_move_within_the_borough_moves_every_account_and_sends_one_confirmation(move):
    case, instance = move("2 Acacia Avenue\nUxbridge\nUB8 1QA")
    assert instance.status == InstanceStatus.COMPLETED and not instance.touched_by_person
    assert _calls(case) == {
        "council_tax": "move_account",
        "waste": "move_bins",
        "parking": "move_permit",
        "electoral_registration": "move_entry",
    }
    sent = SandboxSystemCall.objects.get(reference=case.reference, system="council_tax")
    assert sent.payload["new_uprn"] == 100021500002 and sent.payload["old_uprn"] == 100021500001
    assert case.status == Status.CLOSED and case.resolution == Resolution.FIXED
    told = _told(case)
    assert told.startswith("Thank you for telling us you have moved. We have updated:")
    for words in ("Council tax: your account moves", "Bins:", "Parking permits:", "Electoral"):
        assert words in told
    assert _messages(case) == 1  # one confirmation, not four
    saved = sum(instance.steps.values_list("minutes_saved", flat=True))
    assert saved == 24


@pytest.mark.django_db
def test_a_move_away_closes_every_account_and_the_confirmation_is_in_polish(move):
    from borough.people.models import Resident

    polish = Resident.objects.create(
        first_name="Agnieszka", last_name="Nowak", email="a@example.org", preferred_language="pl"
    )
    case, instance = move("12 High Street, Leeds LS1 4AP", resident=polish)
    assert instance.status == InstanceStatus.COMPLETED
    assert _calls(case) == {
        "council_tax": "close_account",
        "waste": "stop_collections",
        "parking": "end_permit",
        "electoral_registration": "tell_new_area",
    }
    told = _told(case)
    assert "Dziękujemy" in told and case.reference in told
    assert "gov.uk/register-to-vote" in told


@pytest.mark.django_db
def test_council_tax_down_fails_only_its_step_and_the_retry_runs_only_it(
    move, client, staff_login, council_tax_officer
):
    SandboxSystem.objects.create(system="council_tax", is_down=True)
    case, instance = move("2 Acacia Avenue, Uxbridge UB8 1QA")
    # the other three systems were told and kept; council tax waits with its error
    assert instance.status == InstanceStatus.FAILED
    assert sorted(_calls(case)) == ["electoral_registration", "parking", "waste"]
    assert instance.error_step == "Update council tax"
    assert "Council tax (sandbox) did not answer" in instance.error
    states = dict(instance.steps.values_list("step_id", "state"))
    assert states["council_tax"] == StepState.FAILED
    assert {states[s] for s in ("waste", "parking", "electoral")} == {StepState.DONE}
    assert "confirm" not in states and case.status != Status.CLOSED  # nothing half-told

    # the hub shows it stuck, with its error, to the council tax team
    lead = StaffFactory(
        email="ctax.lead@council.example",
        membership__team=Team.objects.get(slug="council-tax"),
        membership__role=Role.TEAM_LEAD,
    )
    staff_login(client, lead)
    page = client.get(reverse("hub:process", args=["tell-us-once-move"])).content.decode()
    assert "Council tax (sandbox) did not answer" in page and case.reference in page

    # a retry while it is still down fails again and loses nothing
    retry(instance=instance, actor=StaffActor(council_tax_officer))
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED
    assert SandboxSystemCall.objects.filter(reference=case.reference).count() == 3

    SandboxSystem.objects.filter(system="council_tax").update(is_down=False)
    before = dict(
        SandboxSystemCall.objects.filter(reference=case.reference).values_list("system", "at")
    )
    retry(instance=instance, actor=StaffActor(council_tax_officer))
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and instance.error == ""
    after = dict(
        SandboxSystemCall.objects.filter(reference=case.reference).values_list("system", "at")
    )
    assert sorted(after) == SYSTEMS
    assert {k: after[k] for k in before} == before  # the other three were not told again
    assert ProcessStep.objects.get(instance=instance, step_id="council_tax").state == "done"
    assert case.status == Status.CLOSED and "Council tax" in _told(case)
    assert _messages(case) == 1


@pytest.mark.django_db
def test_a_decision_table_without_a_rule_for_the_destination_fails_and_retries_when_fixed(
    move, admin
):
    table = DecisionTable.objects.get(key="move_actions")
    start = table.dmn.index('<rule id="away">')
    end = table.dmn.index("</rule>", start) + len("</rule>")
    save_decision_table(
        key=table.key,
        name=table.name,
        dmn=table.dmn[:start] + table.dmn[end:],
        actor=StaffActor(admin),
        reason="test",
    )
    case, instance = move("12 High Street, Leeds LS1 4AP")
    assert instance.status == InstanceStatus.FAILED
    assert "decision table 'move_actions' has no rule" in instance.error
    assert "'Where the resident moved to': 'elsewhere'" in instance.error
    assert not SandboxSystemCall.objects.filter(reference=case.reference).exists()

    save_decision_table(key=table.key, name=table.name, dmn=table.dmn, actor=StaffActor(admin))
    retry(instance=instance, actor=StaffActor(admin))
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.decisions == {"move_actions": 3}
    assert sorted(_calls(case)) == SYSTEMS


@pytest.mark.django_db
def test_load_processes_loads_the_move_and_discount_processes(catalogue):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_processes", stdout=out)
    for line in (
        "Tell us once about a move: version 1",
        "Single person discount application: version 1",
        "Single person discount review: version 1",
    ):
        assert line in out.getvalue()
