"""Fly-tipping: every path of ``flytipping.bpmn`` (council land with and without evidence in
the waste, on a highway and on a housing estate; private land; another public body's land; an
owner nobody knows yet, which an officer records), the evidence kept from retention while
enforcement is possible, the resident's messages in Polish, and a landowner kind the decision
table does not cover."""

from __future__ import annotations

import pytest
from django.utils import translation

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import CaseEvent, Resolution, Status
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.core.channels import Channel
from borough.governance.models import LegalHold
from borough.processes.models import (
    DecisionTable,
    InstanceStatus,
    LandOwner,
    LandOwnerKind,
    ProcessStep,
    StepState,
)
from borough.processes.services import complete_task, retry, start_process
from borough.processes.versions import save_decision_table
from tests.factories import StaffFactory

SYSTEM = SystemActor("test")
ACACIA, CHURCH, MILL = 20750001, 20750002, 20750003


@pytest.fixture
def street_officer(catalogue):
    return StaffFactory(
        email="street.officer@council.example",
        membership__team=Team.objects.get(slug="street-scene"),
        membership__role=Role.OFFICER,
    )


@pytest.fixture
def report(catalogue, gazetteer, processes):
    def make(usrn: int, evidence: str = "no", resident=None):
        case = case_create(
            actor=ResidentActor(resident=resident),
            service=catalogue["report-fly-tipping"],
            channel=Channel.WEB,
            resident=resident,
            answers={
                "location": {"usrn": usrn, "description": "Behind the bus stop"},
                "waste_types": ["furniture"],
                "amount": "car_boot",
                "evidence_in_waste": evidence,
            },
        )
        instance = start_process(
            key="fly-tipping", case=case, actor=SYSTEM, data={"answers": case.answers}
        )
        instance.refresh_from_db()
        case.refresh_from_db()
        return case, instance

    return make


def _owner(usrn, kind, name="", contact=""):
    return LandOwner.objects.create(street_id=usrn, kind=kind, owner_name=name, contact=contact)


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


def _waiting(instance, step_id):
    return ProcessStep.objects.get(instance=instance, step_id=step_id, state=StepState.WAITING)


def _steps(instance):
    return list(instance.steps.filter(state="done").values_list("step_id", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "team"),
    [
        (LandOwnerKind.COUNCIL_HIGHWAY, "street cleansing crew"),
        (LandOwnerKind.COUNCIL_PARK, "street cleansing crew"),
        (LandOwnerKind.COUNCIL_HOUSING, "estate caretakers"),
    ],
)
def test_council_land_without_evidence_gets_a_clearance_job(report, street_officer, kind, team):
    _owner(ACACIA, kind)
    case, instance = report(ACACIA)
    assert case.status == Status.IN_PROGRESS
    assert "asked our crew to clear the rubbish within 2 working days" in _told(case)
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, text__contains=team).exists()
    assert not LegalHold.objects.filter(case=case).exists()  # nothing to keep for enforcement
    job = _waiting(instance, "ft_clearance")
    assert job.team == "street-scene"
    complete_task(step=job, actor=StaffActor(street_officer), answers={})
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert case.status == Status.CLOSED and case.resolution == Resolution.FIXED
    assert _told(case) == "The rubbish you reported has been cleared. Thank you for telling us."
    assert "ft_enforcement" not in _steps(instance)
    saved = sum(instance.steps.values_list("minutes_saved", flat=True))
    assert saved == 3 + 2 + 2 + 2  # find, route, raise the job, tell: the crew's work is theirs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "kept", "words"),
    [
        ("fixed_penalty", True, "found evidence of who dumped it and are taking action"),
        ("no_further_action", False, "could not find enough evidence to act this time"),
    ],
)
def test_evidence_in_the_waste_goes_to_enforcement_and_is_kept_while_action_is_possible(
    report, street_officer, outcome, kept, words
):
    _owner(ACACIA, LandOwnerKind.COUNCIL_HIGHWAY)
    case, instance = report(ACACIA, evidence="yes")
    hold = LegalHold.objects.get(case=case)
    assert hold.released_at is None and hold.placed_by == "process:fly-tipping"
    assert "enforcement officers will look at it before it is cleared" in _told(case)
    referral = _waiting(instance, "ft_enforcement")
    assert referral.team == "street-scene"
    assert not ProcessStep.objects.filter(instance=instance, step_id="ft_clearance").exists()
    complete_task(
        step=referral,
        actor=StaffActor(street_officer),
        answers={"enforcement_outcome": outcome},
    )
    hold.refresh_from_db()
    assert (hold.released_at is None) is kept
    complete_task(
        step=_waiting(instance, "ft_clearance"), actor=StaffActor(street_officer), answers={}
    )
    case.refresh_from_db()
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and case.status == Status.CLOSED
    assert words in _told(case)
    # the resident was told once at the referral and once at the end, not at the job too
    assert case.events.filter(is_public=True).exclude(kind=CaseEvent.Kind.CREATED).count() == 2


@pytest.mark.django_db
def test_private_land_is_the_landowners_duty_told_politely(report):
    _owner(CHURCH, LandOwnerKind.PRIVATE, "Church Road Retail Park Ltd")
    case, instance = report(CHURCH, evidence="yes")
    assert instance.status == InstanceStatus.COMPLETED
    assert case.status == Status.CLOSED and case.resolution == Resolution.REFERRED
    told = _told(case)
    assert "landowner's duty" in told and "We will write to the owner" in told
    assert not LegalHold.objects.filter(case=case).exists()
    assert _steps(instance)[-2:] == ["tell_private", "end_private"]


@pytest.mark.django_db
def test_another_public_bodys_land_is_passed_to_it(report):
    _owner(MILL, LandOwnerKind.OTHER_PUBLIC, "Network Rail", "fly-tipping@networkrail.example")
    case, instance = report(MILL)
    assert case.status == Status.CLOSED and case.resolution == Resolution.REFERRED
    assert "The land belongs to Network Rail" in _told(case)
    note = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert note.text == "Report passed to Network Rail (fly-tipping@networkrail.example)"


@pytest.mark.django_db
def test_an_unknown_owner_is_asked_of_an_officer_and_kept_for_next_time(report, street_officer):
    case, instance = report(MILL)
    check = _waiting(instance, "ft_owner_check")
    # a kind Borough does not know (the hub's form refuses it first) fails the step, visibly
    complete_task(step=check, actor=StaffActor(street_officer), answers={"land_kind": "x"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED and instance.error_step
    assert "'x' is not a kind of landowner" in instance.error
    assert not LandOwner.objects.exists()


@pytest.mark.django_db
def test_the_officer_says_who_owns_the_land_and_the_report_is_routed(report, street_officer):
    case, instance = report(MILL)
    check = _waiting(instance, "ft_owner_check")
    complete_task(
        step=check,
        actor=StaffActor(street_officer),
        answers={"land_kind": "private", "owner_name": "Mill Lane Garages"},
    )
    case.refresh_from_db()
    assert "landowner's duty" in _told(case)
    assert LandOwner.objects.get(street_id=MILL).owner_name == "Mill Lane Garages"
    second, again = report(MILL)  # next time the officer is not asked
    assert again.status == InstanceStatus.COMPLETED
    assert not again.steps.filter(step_id="ft_owner_check").exists()


@pytest.mark.django_db
def test_a_landowner_kind_the_table_does_not_cover_fails_visibly_and_retries(report, admin):
    LandOwner.objects.create(street_id=MILL, kind="canal_trust", owner_name="Canal Trust")
    case, instance = report(MILL)
    assert instance.status == InstanceStatus.FAILED
    assert "decision table 'flytipping_route' has no rule for these inputs" in instance.error
    assert "'Who owns the land': 'canal_trust'" in instance.error
    assert case.status == Status.NEW  # nothing was told or changed
    table = DecisionTable.objects.get(key="flytipping_route", is_current=True)
    rule = (
        '<rule id="r7"><inputEntry id="r7_i1"><text>"canal_trust"</text></inputEntry>'
        '<inputEntry id="r7_i2"><text>-</text></inputEntry>'
        '<outputEntry id="r7_o1"><text>"other_body"</text></outputEntry>'
        '<outputEntry id="r7_o2"><text>"owner"</text></outputEntry></rule>'
    )
    save_decision_table(
        key=table.key,
        name=table.name,
        dmn=table.dmn.replace("</decisionTable>", rule + "</decisionTable>"),
        actor=StaffActor(admin),
        reason="The Canal and River Trust's towpaths",
    )
    retry(instance=instance, actor=StaffActor(admin))
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.decisions == {"flytipping_route": 2}
    assert "The land belongs to Canal Trust" in _told(case)


@pytest.mark.django_db
def test_the_resident_is_told_in_polish(report):
    from borough.people.models import Resident

    resident = Resident.objects.create(first_name="Ola", last_name="Nowak", preferred_language="pl")
    _owner(CHURCH, LandOwnerKind.PRIVATE)
    case, _instance = report(CHURCH, resident=resident)
    assert "obowiązkiem właściciela" in _told(case)
    with translation.override("en"):
        assert "landowner" not in _told(case)


@pytest.mark.django_db
def test_a_report_closed_as_a_duplicate_first_is_left_alone(report, catalogue, street_officer):
    from borough.cases.workflow import case_send_update

    _owner(ACACIA, LandOwnerKind.COUNCIL_HIGHWAY)
    first, _ = report(ACACIA)
    case = case_create(
        actor=ResidentActor(),
        service=catalogue["report-fly-tipping"],
        channel=Channel.WEB,
        answers={
            "location": {"usrn": ACACIA, "description": "Same pile"},
            "waste_types": ["furniture"],
            "amount": "car_boot",
            "evidence_in_waste": "yes",
        },
    )
    case_send_update(
        case=case,
        text=f"Already reported as {first.reference}",
        actor=SYSTEM,
        to_status=Status.CLOSED,
        resolution=Resolution.DUPLICATE,
    )
    instance = start_process(key="fly-tipping", case=case, actor=SYSTEM, data={"answers": {}})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert _steps(instance)[-2:] == ["still_open", "end_closed"]
    assert not LegalHold.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_hubs_task_page_refuses_a_landowner_kind_it_does_not_know(
    report, client, staff_login, street_officer
):
    case, instance = report(MILL)
    step = _waiting(instance, "ft_owner_check")
    staff_login(client, street_officer)
    url = f"/hub/processes/tasks/{step.pk}/"
    wrong = client.post(url, {"land_kind": "the railway", "owner_name": "Network Rail"})
    assert wrong.status_code == 400
    assert "Enter council_highway or council_park or" in wrong.content.decode()
    assert _waiting(instance, "ft_owner_check")  # still waiting: nothing was lost
    client.post(url, {"land_kind": "other_public", "owner_name": "Network Rail"})
    case.refresh_from_db()
    assert "The land belongs to Network Rail" in _told(case)
