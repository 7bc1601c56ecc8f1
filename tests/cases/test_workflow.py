"""Cases move through their service's workflow; the base status follows the state."""

import pytest
from django.utils import timezone

from borough.cases.errors import TransitionRefused
from borough.cases.models import Case, Status
from borough.cases.workflow import case_transition
from borough.core.actors import StaffActor
from borough.core.working_days import add_working_days


@pytest.mark.django_db
def test_a_missed_bin_moves_through_its_own_workflow(make_case, waste_officer):
    case = make_case()
    assert (case.state, case.status, case.state_label) == ("received", Status.NEW, "Received")

    case = case_transition(case=case, to_state="action_scheduled", actor=StaffActor(waste_officer))
    assert (case.state, case.status) == ("action_scheduled", Status.IN_PROGRESS)
    assert case.state_label == "Crew sent"
    assert case.public_state_label == "A crew is on the way"
    assert case.is_open

    # A closing state brings its own resolution: staff do not choose one.
    case = case_transition(case=case, to_state="unable_to_fix", actor=StaffActor(waste_officer))
    assert (case.status, case.resolution) == (Status.CLOSED, "not_possible")
    assert case.closed_at is not None and not case.is_open

    # "Could not collect" may be tried again; the case opens again.
    case = case_transition(case=case, to_state="action_scheduled", actor=StaffActor(waste_officer))
    assert (case.status, case.resolution, case.closed_at) == (Status.IN_PROGRESS, "", None)

    event = case.events.order_by("-id").first()
    assert event.data == {
        "from": "unable_to_fix",
        "to": "action_scheduled",
        "from_status": "closed",
        "status": "in_progress",
        "to_label": "Crew sent",
        "to_public_label": "A crew is on the way",
        "resolution": "",
        # Reopened: a new due date from the SLA, counted from today (issue 17).
        "due_date": case.due_date.isoformat(),
    }
    assert case.due_date == add_working_days(timezone.localdate(), case.service.sla_working_days)
    assert event.headline == "Status changed to crew sent"
    assert Case.objects.get(pk=case.pk).version == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "to_state, reason",
    [
        ("in_progress", "Choose a status from the list ('in_progress' is not one)"),
        ("received", "A case that is received cannot be moved to received"),
    ],
)
def test_moves_the_workflow_does_not_have_are_refused_and_change_nothing(
    make_case, waste_officer, to_state, reason
):
    case = make_case()
    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, to_state=to_state, actor=StaffActor(waste_officer))
    assert str(refused.value) == reason
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.version, stored.events.count()) == ("received", 1, 1)


@pytest.mark.django_db
def test_a_closed_case_cannot_skip_back_to_a_state_the_workflow_does_not_allow(
    make_case, waste_officer
):
    case = make_case()
    case = case_transition(case=case, to_state="duplicate", actor=StaffActor(waste_officer))
    assert case.resolution == "duplicate"
    with pytest.raises(TransitionRefused, match="duplicate report cannot be moved to crew sent"):
        case_transition(case=case, to_state="action_scheduled", actor=StaffActor(waste_officer))


@pytest.mark.django_db
def test_a_case_in_a_state_its_workflow_no_longer_has_is_read_by_its_base_status(
    make_case, waste_officer
):
    # Cases from before the service had a workflow were migrated with state = status.
    case = make_case()
    Case.objects.filter(pk=case.pk).update(state="in_progress", status=Status.IN_PROGRESS)
    case = Case.objects.get(pk=case.pk)
    assert case.state_label == "Crew sent"
    case = case_transition(case=case, to_state="fixed", actor=StaffActor(waste_officer))
    assert (case.state, case.status, case.resolution) == ("fixed", Status.CLOSED, "fixed")


@pytest.mark.django_db
def test_a_caller_that_only_knows_base_statuses_gets_the_matching_allowed_state(
    make_case, waste_officer
):
    case = make_case()
    case = case_transition(
        case=case, to_status=Status.CLOSED, resolution="duplicate", actor=StaffActor(waste_officer)
    )
    assert (case.state, case.resolution) == ("duplicate", "duplicate")
    # Nothing follows "duplicate report" in the missed bin workflow.
    with pytest.raises(TransitionRefused, match="duplicate report cannot be moved to in progress"):
        case_transition(case=case, to_status=Status.IN_PROGRESS, actor=StaffActor(waste_officer))
