"""Open311 statuses onto the shipped workflows, and back."""

from __future__ import annotations

import pytest

from borough.api.open311.mapping import extended_status, target_for
from borough.catalogue.workflows import DEFAULT_WORKFLOW

from .conftest import form_post, parse_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("service", "state", "status", "incoming", "expected"),
    [
        # The workflow names the extended status: that state.
        ("report-pothole", "received", "new", "INVESTIGATING", "investigating"),
        ("report-pothole", "investigating", "in_progress", "ACTION_SCHEDULED", "action_scheduled"),
        ("report-missed-bin", "received", "new", "FIXED", "fixed"),
        # Base statuses: a state with that base status (and resolution).
        ("report-missed-bin", "received", "new", "IN_PROGRESS", "action_scheduled"),
        ("report-missed-bin", "received", "new", "CLOSED", "fixed"),
        ("report-pothole", "received", "new", "CLOSED", "not_councils_responsibility"),
        ("report-missed-bin", "fixed", "closed", "REOPEN", "action_scheduled"),
        # Nothing to change.
        ("report-missed-bin", "received", "new", "OPEN", None),
        ("report-missed-bin", "fixed", "closed", "CLOSED", None),
        ("report-pothole", "investigating", "in_progress", "INVESTIGATING", None),
    ],
)
def test_incoming_statuses_pick_a_state_the_workflow_allows(
    catalogue, service, state, status, incoming, expected
):
    flow = catalogue[service].flow
    target = target_for(flow, state, status, incoming)
    assert (target.key if target else None) == expected


@pytest.mark.parametrize(
    ("service", "state", "status", "incoming"),
    [
        ("report-pothole", "received", "new", "FIXED"),  # must be scheduled first
        ("report-missed-bin", "received", "new", "NOT_COUNCILS_RESPONSIBILITY"),
    ],
)
def test_moves_the_workflow_forbids_are_refused(catalogue, service, state, status, incoming):
    with pytest.raises(LookupError):
        target_for(catalogue[service].flow, state, status, incoming)


def test_the_default_workflow_maps_base_statuses():
    assert target_for(DEFAULT_WORKFLOW, "new", "new", "ACTION_SCHEDULED").key == "in_progress"
    assert target_for(DEFAULT_WORKFLOW, "new", "new", "NO_FURTHER_ACTION").key == "closed"


@pytest.mark.parametrize(
    ("state", "status", "resolution", "expected"),
    [
        ("action_scheduled", "in_progress", "", "ACTION_SCHEDULED"),
        ("received", "new", "", "OPEN"),
        ("waiting", "waiting", "", "OPEN"),
        ("in_progress", "in_progress", "", "IN_PROGRESS"),
        ("unable_to_fix", "closed", "not_possible", "NO_FURTHER_ACTION"),
        ("closed", "closed", "referred", "NOT_COUNCILS_RESPONSIBILITY"),
        ("closed", "closed", "", "CLOSED"),
    ],
)
def test_outgoing_statuses(state, status, resolution, expected):
    assert extended_status(state, status, resolution) == expected


def test_each_update_read_back_carries_the_status_it_left(client, pothole_fields):
    base = "/open311/v2/"
    reference = parse_json(form_post(client, f"{base}requests.json", pothole_fields))[0][
        "service_request_id"
    ]
    for status, text in (
        ("OPEN", "Any news?"),
        ("INVESTIGATING", "Inspector booked"),
        ("OPEN", "Thanks"),
        ("ACTION_SCHEDULED", "Repair booked"),
    ):
        update = {
            "api_key": pothole_fields["api_key"],
            "service_request_id": reference,
            "status": status,
            "description": text,
        }
        assert form_post(client, f"{base}servicerequestupdates.xml", update).status_code == 200
    # The client that sent the request reads its updates back in full.
    own = {"api_key": pothole_fields["api_key"]}
    listed = parse_json(client.get(f"{base}servicerequestupdates.json", own))
    assert [(u["description"], u["status"]) for u in listed] == [
        ("Any news?", "OPEN"),
        ("Inspector booked", "INVESTIGATING"),
        ("Thanks", "INVESTIGATING"),
        ("Repair booked", "ACTION_SCHEDULED"),
    ]
