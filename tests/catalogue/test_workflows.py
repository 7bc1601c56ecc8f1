"""Per-service workflows in the catalogue: shared or inline, and every mistake reported with
its path."""

import copy

import pytest

from borough.cases.models import Resolution, Status
from borough.catalogue.catalogue_file import parse_catalogue
from borough.catalogue.definitions import DefinitionError
from borough.catalogue.services import catalogue_read
from borough.catalogue.workflows import (
    BASE_STATUSES,
    DEFAULT_WORKFLOW,
    RESOLUTIONS,
    parse_workflow,
)

BIN_WORKFLOW = {
    "key": "bins",
    "states": [
        {"key": "received", "label": "Received", "status": "new"},
        {
            "key": "action_scheduled",
            "label": "Crew sent",
            "public_label": "A crew is on the way",
            "status": "in_progress",
        },
        {"key": "fixed", "label": "Collected", "status": "closed", "resolution": "fixed"},
    ],
    "transitions": {"received": ["action_scheduled", "fixed"], "action_scheduled": ["fixed"]},
}


def catalogue_with(*, workflows=None, workflow="bins"):
    service = {
        "slug": "report-missed-bin",
        "lgsl": 524,
        "name": "Report a missed bin",
        "summary": "s",
        "description": "d",
        "category": "bins",
        "team": "waste",
        "sla_working_days": 2,
        "what_happens_next": "w",
        "questions": [{"id": "details", "type": "text", "label": "What happened?"}],
    }
    if workflow is not None:
        service["workflow"] = workflow
    return {
        "teams": [{"slug": "waste", "name": "Waste"}],
        "categories": [{"slug": "bins", "name": "Bins"}],
        "workflows": [BIN_WORKFLOW] if workflows is None else workflows,
        "services": [service],
    }


def problems_of(data) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_catalogue(data)
    return caught.value.problems


def broken(change) -> dict:
    workflow = copy.deepcopy(BIN_WORKFLOW)
    change(workflow)
    return workflow


def test_a_service_names_a_shared_workflow_and_gets_its_states_and_labels():
    catalogue = parse_catalogue(catalogue_with())
    flow = catalogue.services[0].workflow
    assert flow is catalogue.workflows["bins"]
    assert flow.initial == "received"
    assert [s.label for s in flow.next_states("received")] == ["Crew sent", "Collected"]
    assert flow.state("action_scheduled").public_label == "A crew is on the way"
    # A state without its own public label shows residents the staff label.
    assert flow.state("fixed").public_label == "Collected"
    assert flow.state("fixed").resolution == "fixed"
    assert flow.next_states("fixed") == []


def test_a_service_may_define_its_workflow_inline():
    inline = {k: v for k, v in BIN_WORKFLOW.items() if k != "key"}
    catalogue = parse_catalogue(catalogue_with(workflows=[], workflow=inline))
    assert [s.key for s in catalogue.services[0].workflow.states] == [
        "received",
        "action_scheduled",
        "fixed",
    ]


def test_a_service_without_a_workflow_uses_the_default_one():
    service = parse_catalogue(catalogue_with(workflow=None)).services[0]
    assert service.workflow is DEFAULT_WORKFLOW
    assert [s.key for s in DEFAULT_WORKFLOW.states] == list(BASE_STATUSES)


def test_naming_a_workflow_that_does_not_exist_is_refused():
    assert problems_of(catalogue_with(workflow="recycling")) == [
        "services[0].workflow: 'recycling' is not a workflow in this file"
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda w: w["transitions"].update(received=["action_scheduled", "collected"]),
            "workflows[0].transitions.received: 'collected' is not a state of this workflow",
        ),
        (
            lambda w: w["transitions"].update(lost=["fixed"]),
            "workflows[0].transitions.lost: 'lost' is not a state of this workflow",
        ),
        (
            lambda w: w["transitions"].update(received=["fixed"], action_scheduled=["fixed"]),
            "workflows[0].transitions: cannot reach action_scheduled from received",
        ),
        (
            lambda w: [s.update(status="in_progress", resolution=None) for s in w["states"][2:]],
            "workflows[0].states: no closing state (a state with status closed)",
        ),
        (
            lambda w: w["states"].append(
                {"key": "fixed", "label": "Done again", "status": "closed"}
            ),
            "workflows[0].states: keys used twice: fixed",
        ),
        (
            lambda w: w["states"][1].update(status="paused"),
            "workflows[0].states[1].status: must be one of new, in_progress, waiting, closed "
            "(got 'paused')",
        ),
        (
            lambda w: w["states"][2].update(resolution="sorted"),
            "workflows[0].states[2].resolution: must be one of "
            "fixed, no_action, duplicate, referred, not_possible (got 'sorted')",
        ),
        (
            lambda w: w["states"][1].update(resolution="fixed"),
            "workflows[0].states[1].resolution: only a closing state (status closed) has one",
        ),
        (
            lambda w: w["states"][1].update(colour="red"),
            "workflows[0].states[1]: unknown keys colour",
        ),
        (
            lambda w: w["states"][1].update(key="Crew Sent"),
            "workflows[0].states[1].key: must be snake_case, 40 characters or less "
            "(got 'Crew Sent')",
        ),
        (
            lambda w: w.update(initial="fixed"),
            "workflows[0].initial: the first state must have status new",
        ),
        (
            lambda w: w["transitions"].pop("action_scheduled"),
            "workflows[0].transitions: open states with no way out: action_scheduled",
        ),
        (
            lambda w: w["states"][0].pop("label"),
            "workflows[0].states[0].label: is required",
        ),
    ],
)
def test_workflow_mistakes_are_reported_with_their_path(change, expected):
    assert expected in problems_of(catalogue_with(workflows=[broken(change)]))


def test_an_inline_workflow_reports_problems_under_the_service():
    inline = broken(lambda w: w["transitions"].update(received=["lost"]))
    del inline["key"]
    problems = problems_of(catalogue_with(workflows=[], workflow=inline))
    assert "services[0].workflow.transitions.received: 'lost' is not a state of this workflow" in (
        problems
    )


def test_two_shared_workflows_with_one_key_are_refused():
    problems = problems_of(catalogue_with(workflows=[BIN_WORKFLOW, BIN_WORKFLOW]))
    assert problems == ["workflows[1].key: 'bins' is used by another workflow"]


def test_parse_workflow_raises_with_every_problem():
    with pytest.raises(DefinitionError) as caught:
        parse_workflow({"states": [], "transitions": {}})
    assert caught.value.problems == [
        "workflow.states: a workflow needs at least one state",
        "workflow.transitions: must map each state to the states that may follow",
    ]


def test_base_statuses_and_resolutions_match_the_cases_app():
    assert tuple(Status.values) == BASE_STATUSES
    assert tuple(Resolution.values) == RESOLUTIONS


def test_the_shipped_catalogue_gives_several_services_real_workflows():
    catalogue = catalogue_read()
    flows = {s.slug: s.workflow for s in catalogue.services}
    bins = flows["report-missed-bin"]
    assert [s.label for s in bins.next_states("received")] == [
        "Crew sent",
        "Collected",
        "Could not collect",
        "Duplicate report",
    ]
    pothole = flows["report-pothole"]
    path = ["received", "investigating", "action_scheduled", "fixed"]
    for here, there in zip(path, path[1:], strict=False):
        assert there in {s.key for s in pothole.next_states(here)}
    assert pothole.state("no_further_action").resolution == "no_action"
    repair = flows["report-housing-repair"]
    assert repair.state("action_scheduled").label == "Appointment booked"
    assert repair.state("appointment_offered").status == "waiting"
    assert flows["request-new-bin"] is DEFAULT_WORKFLOW


@pytest.mark.django_db
def test_loading_the_catalogue_stores_each_services_workflow(catalogue):
    pothole = catalogue["report-pothole"]
    assert pothole.flow.label("action_scheduled") == "Repair scheduled"
    assert catalogue["request-new-bin"].workflow == {}
    assert catalogue["request-new-bin"].flow is DEFAULT_WORKFLOW
