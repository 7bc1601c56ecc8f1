"""Single person discount: every path of ``single_person_discount.bpmn`` (no other adult on
record: given with no person; another adult, or an address the single view does not know: an
officer decides, seeing the evidence) and of ``single_person_discount_review.bpmn`` (no change;
written to, then a reply or 28 days, then an officer ends or keeps it), the review run opening
each review once, a timer firing twice, and that no path ends a discount without a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import CaseEvent, Resolution, Status
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.integrations.models import SandboxDiscount, SandboxSystemCall
from borough.processes import registry
from borough.processes.library.discount import review_run
from borough.processes.models import InstanceStatus, ProcessInstance, ProcessStep, StepState
from borough.processes.services import complete_task, send_message, start_process, sweep_timers
from borough.processes.shipped import HERE
from borough.singleview.models import LinkedPerson, SourceRecord
from tests.factories import StaffFactory

SYSTEM = SystemActor("test")
HOME = 100021500001


@pytest.fixture
def ctax_officer(catalogue):
    return StaffFactory(
        email="ctax.officer@council.example",
        membership__team=Team.objects.get(slug="council-tax"),
        membership__role=Role.OFFICER,
    )


def _on_record(name: str, source: str, *, dob: dt.date | None, uprn: int = HOME, n: int = 1):
    first, last = name.split()
    person = LinkedPerson.objects.create(
        person_id=f"P{n:05d}", first_name=first, last_name=last, dob=dob, names=name.lower()
    )
    SourceRecord.objects.create(
        person=person,
        record_id=f"{source}:{n}",
        source=source,
        source_id=str(n),
        full_name=name,
        dob=dob,
        uprn=str(uprn),
        last_seen=dt.date(2026, 10, 1),
    )


@pytest.fixture
def apply(catalogue, gazetteer, processes):
    def make():
        case = case_create(
            actor=ResidentActor(),
            service=catalogue["apply-single-person-discount"],
            channel=Channel.WEB,
            answers={
                "address": HOME,
                "only_adult": "yes",
                "from_date": "2026-11-01",
                "name": "Ada Lovelace",
                "date_of_birth": "1950-01-01",
                "email": "ada@example.org",
            },
        )
        instance = start_process(
            key="single-person-discount", case=case, actor=SYSTEM, data={"answers": case.answers}
        )
        instance.refresh_from_db()
        case.refresh_from_db()
        return case, instance

    return make


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


@pytest.mark.django_db
def test_no_other_adult_on_record_gives_the_discount_with_no_person(apply):
    _on_record("Ada Lovelace", "electoral_register", dob=dt.date(1950, 1, 1), n=1)
    _on_record("Tim Lovelace", "electoral_register", dob=dt.date(2015, 1, 1), n=2)  # a child
    case, instance = apply()
    assert instance.status == InstanceStatus.COMPLETED and not instance.touched_by_person
    assert case.status == Status.CLOSED and case.resolution == Resolution.FIXED
    assert "25% single person discount" in _told(case)
    discount = SandboxDiscount.objects.get()
    assert (discount.uprn, discount.awarded_on) == (HOME, dt.date(2026, 11, 1))
    assert instance.decisions == {"single_person_discount_decision": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["award", "refuse"])
def test_another_adult_on_record_asks_an_officer_who_sees_the_evidence(
    apply, ctax_officer, client, staff_login, decision
):
    _on_record("Charles Babbage", "electoral_register", dob=None, n=3)
    case, instance = apply()
    step = ProcessStep.objects.get(instance=instance, step_id="discount_check")
    assert step.state == StepState.WAITING and step.team == "council-tax"
    assert not SandboxSystemCall.objects.exists()  # nothing given before a person decides

    staff_login(client, ctax_officer)
    queue = client.get(reverse("hub:processes")).content.decode()
    assert "Officer checks the evidence and decides" in queue
    page = client.get(reverse("hub:process_task", args=[step.pk])).content.decode()
    assert "Charles Babbage" in page and "Electoral register" in page
    assert AuditEvent.objects.filter(object_type="process_evidence").exists()
    bad = client.post(reverse("hub:process_task", args=[step.pk]), {"decision": "maybe"})
    assert bad.status_code == 400 and "Enter award or refuse" in bad.content.decode()

    client.post(
        reverse("hub:process_task", args=[step.pk]),
        {"decision": decision, "note": "Checked: Mr Babbage is her lodger's son"},
    )
    instance.refresh_from_db()
    case.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and instance.touched_by_person
    assert case.status == Status.CLOSED
    assert SandboxDiscount.objects.exists() == (decision == "award")
    note = case.events.get(kind=CaseEvent.Kind.NOTE, is_public=False, text__contains="lodger")
    assert note.text.startswith("Officer checks the evidence and decides:")
    if decision == "refuse":
        assert "another adult living at your address" in _told(case)


@pytest.mark.django_db
def test_an_address_the_single_view_does_not_know_goes_to_an_officer(apply):
    case, instance = apply()
    assert instance.steps.filter(step_id="discount_check", state=StepState.WAITING).exists()
    assert instance.status == InstanceStatus.WAITING


@pytest.fixture
def holder(catalogue, gazetteer, processes):
    SandboxDiscount.objects.create(
        account_ref="CT00001234",
        uprn=HOME,
        holder_name="Ada Lovelace",
        email="ada@example.org",
        awarded_on=dt.date(2024, 4, 1),
    )
    SandboxDiscount.objects.create(  # lives alone as far as the records go: not reviewed
        account_ref="CT00005678",
        uprn=100021500002,
        holder_name="Grace Hopper",
        email="grace@example.org",
        awarded_on=dt.date(2024, 4, 1),
    )
    _on_record("Charles Babbage", "benefits", dob=dt.date(1971, 12, 26), n=4)


def _review():
    opened = review_run()
    assert len(opened) == 1
    instance = ProcessInstance.objects.get(
        case=opened[0], definition__key="single-person-discount-review"
    )
    return opened[0], instance


def _do(instance, step_id, officer, **answers):
    step = ProcessStep.objects.get(instance=instance, step_id=step_id, state=StepState.WAITING)
    complete_task(step=step, actor=StaffActor(officer), answers=answers)
    instance.refresh_from_db()


@pytest.mark.django_db
def test_the_review_run_opens_one_review_per_holder_with_another_adult_once(holder, ctax_officer):
    case, instance = _review()
    assert case.answers["account_number"] == "CT00001234"
    assert review_run() == []  # run again: a holder under review is not opened twice
    # the officer finds nothing to ask about: the discount continues
    _do(instance, "discount_review", ctax_officer, review="no_change")
    assert instance.status == InstanceStatus.COMPLETED
    assert SandboxDiscount.objects.get(account_ref="CT00001234").ended_on is None
    case.refresh_from_db()
    assert case.status == Status.CLOSED and "continues" in _told(case)


@pytest.mark.django_db
def test_no_reply_in_28_days_waits_for_an_officer_who_ends_it_and_the_timer_fires_once(
    holder, ctax_officer
):
    case, instance = _review()
    _do(instance, "discount_review", ctax_officer, review="write")
    assert "Please reply to this message by" in _told(case)
    assert instance.status == InstanceStatus.WAITING and instance.next_timer_at is not None
    assert sweep_timers(now=timezone.now() + dt.timedelta(days=27)) == 0
    due = timezone.now() + dt.timedelta(days=29)
    assert sweep_timers(now=due) == 1
    assert sweep_timers(now=due) == 0  # fired twice: nothing more
    decide = ProcessStep.objects.filter(instance=instance, step_id="discount_decide")
    assert decide.count() == 1 and decide.get().team == "council-tax"
    letters = case.events.filter(is_public=True, text__contains="Please reply").count()
    assert letters == 1
    # 28 days passed, but the discount is still there until a person decides
    assert SandboxDiscount.objects.get(account_ref="CT00001234").ended_on is None
    _do(instance, "discount_decide", ctax_officer, discount_decision="end")
    assert instance.status == InstanceStatus.COMPLETED
    assert SandboxDiscount.objects.get(account_ref="CT00001234").ended_on == timezone.localdate()
    case.refresh_from_db()
    assert "discount has ended" in _told(case) and case.status == Status.CLOSED


@pytest.mark.django_db
def test_a_reply_from_the_resident_brings_the_review_to_an_officer_who_keeps_it(
    holder, ctax_officer
):
    case, instance = _review()
    _do(instance, "discount_review", ctax_officer, review="write")
    assert send_message(case_id=case.pk, name="resident_replied", payload={}, actor=SYSTEM) == 1
    instance.refresh_from_db()
    assert instance.next_timer_at is None  # the 28-day timer is over
    _do(instance, "discount_decide", ctax_officer, discount_decision="keep")
    assert instance.status == InstanceStatus.COMPLETED
    assert SandboxDiscount.objects.get(account_ref="CT00001234").ended_on is None
    assert not SandboxSystemCall.objects.filter(operation="end_single_person_discount").exists()


def test_no_path_of_the_review_ends_the_discount_without_a_persons_step():
    """Every path from the start to "End the discount" passes through a person's step."""
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    root = etree.parse(str(HERE / "single_person_discount_review.bpmn")).getroot()
    process = root.find("bpmn:process", ns)
    people = {e.get("id") for e in process.findall("bpmn:userTask", ns)}
    flows: dict[str, list[str]] = {}
    for flow in process.findall("bpmn:sequenceFlow", ns):
        flows.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    # walk from the start without passing a person's step: "end_discount" must not be reached
    seen, todo = set(), ["start"]
    while todo:
        node = todo.pop()
        if node in seen or node in people:
            continue
        seen.add(node)
        todo += flows.get(node, [])
    assert "end_discount" not in seen and "discount_review" in people


@pytest.mark.django_db
def test_the_end_step_refuses_to_run_without_a_persons_decision(holder, monkeypatch):
    case, instance = _review()
    end = registry.lookup("discount.end")
    step = registry.StepContext(
        instance_id=instance.pk,
        case=case,
        data={"discount_decision": "end", "holder": {"account_ref": "CT00001234"}},
    )
    with pytest.raises(PermissionError, match="only when a council tax officer decides"):
        end(step, {})
    assert SandboxDiscount.objects.get(account_ref="CT00001234").ended_on is None
    assert not case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).exists()


@pytest.mark.django_db
def test_the_review_command_reports_and_a_council_tax_system_down_opens_nothing(holder):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from borough.integrations.models import SandboxSystem

    SandboxSystem.objects.create(system="council_tax", is_down=True)
    with pytest.raises(CommandError, match="Nothing opened: Council tax \\(sandbox\\)"):
        call_command("review_single_person_discounts")
    assert not ProcessInstance.objects.filter(definition__key="single-person-discount-review")
    SandboxSystem.objects.update(is_down=False)
    out = StringIO()
    call_command("review_single_person_discounts", stdout=out)
    assert out.getvalue().strip() == "Reviews opened: 1"


@pytest.mark.django_db
def test_the_residents_reply_on_their_case_moves_the_review_on(
    holder, ctax_officer, django_capture_on_commit_callbacks
):
    from borough.cases.resident import case_add_resident_update

    case, instance = _review()
    _do(instance, "discount_review", ctax_officer, review="write")
    with django_capture_on_commit_callbacks(execute=True):
        case_add_resident_update(
            case=case,
            text="My brother moved out in August.",
            actor=ResidentActor(tracking_case_id=case.pk),
        )
    instance.refresh_from_db()
    decide = ProcessStep.objects.get(instance=instance, step_id="discount_decide")
    assert decide.state == StepState.WAITING and instance.next_timer_at is None
