"""Named messages to a case's processes over the REST API (issue 19): a client of the case's
team with the ``processes.message`` scope tells the financial assessment its letter came back,
and a benefits officer is asked to check the address; other clients are refused or find no
case, and a bad name is refused with the field named."""

from __future__ import annotations

import pytest

from borough.accounts.models import Team
from borough.clients.models import Scope
from borough.processes.models import ProcessStep, StepState
from borough.processes.services import SYSTEM, start_financial_assessment
from tests.api.conftest import Api
from tests.processes.conftest import benefits_case, processes  # noqa: F401

ANSWERS = {"weekly_income_pence": 30_000, "capital_pence": 0, "care_cost_pence": 20_000}


@pytest.fixture
def assessed(processes, benefits_case):  # noqa: F811
    case = benefits_case()
    start_financial_assessment(case=case, answers=ANSWERS, actor=SYSTEM)
    return case


@pytest.mark.django_db
def test_a_client_of_the_team_sends_letter_returned_and_an_officer_is_asked(
    client, new_api_client, assessed
):
    key = new_api_client(Scope.PROCESSES_MESSAGE, team=Team.objects.get(slug="benefits")).raw_key
    api = Api(client, key)
    url = f"/cases/{assessed.reference}/process-messages"
    sent = api.post(url, {"name": "letter_returned", "payload": {"returned_on": "2026-12-07"}})
    assert sent.status_code == 200, sent.content
    assert sent.json() == {
        "reference": assessed.reference,
        "name": "letter_returned",
        "delivered": 1,
    }
    step = ProcessStep.objects.get(step_id="check_contact")
    assert step.state == StepState.WAITING and step.team == "benefits"
    # nobody waits for it now: taken by none, and not an error
    again = api.post(url, {"name": "letter_returned"})
    assert again.status_code == 200 and again.json()["delivered"] == 0

    bad = api.post(url, {"name": "Letter Returned!"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_failed"
    huge = api.post(url, {"name": "x", "payload": {"text": "a" * 5000}})
    assert huge.status_code == 422


@pytest.mark.django_db
def test_without_the_scope_or_for_another_teams_case_nothing_is_sent(
    client, new_api_client, assessed
):
    url = f"/cases/{assessed.reference}/process-messages"
    no_scope = Api(client, new_api_client(Scope.CASES_WRITE).raw_key)
    assert no_scope.post(url, {"name": "letter_returned"}).status_code == 403
    other_team = Api(
        client,
        new_api_client(Scope.PROCESSES_MESSAGE, team=Team.objects.get(slug="waste")).raw_key,
    )
    assert other_team.post(url, {"name": "letter_returned"}).status_code == 404
    assert not ProcessStep.objects.filter(step_id="check_contact").exists()
