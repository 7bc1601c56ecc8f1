"""Bulk actions on the work queue: assign or change the status of many cases at once."""

import pytest

from borough.accounts.models import Role, Team
from borough.cases.models import Case, CaseEvent
from borough.cases.workflow import case_transition
from borough.core.actors import StaffActor
from tests.factories import StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def cases(make_case):
    return [make_case(uprn) for uprn in (100021500001, 100021500005, 100021500009)]


@pytest.fixture
def crew(catalogue):
    return StaffFactory(
        first_name="Cara",
        last_name="Crew",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.OFFICER,
    )


def events(case, kind):
    return CaseEvent.objects.filter(case=case, kind=kind).count()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_bulk_assign_assigns_each_case_with_one_timeline_event(client, waste_officer, cases, crew):
    staff_login(client, waste_officer)
    response = client.post(
        "/hub/bulk/",
        {"case": [c.pk for c in cases], "action": "assign", "assignee": crew.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "3 cases assigned to Cara Crew" in page
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == crew
        assert events(case, CaseEvent.Kind.ASSIGNED) == 1


@pytest.mark.django_db
def test_bulk_status_change_needs_a_note_and_changes_nothing_without_one(
    client, waste_officer, cases
):
    staff_login(client, waste_officer)
    response = client.post(
        "/hub/bulk/",
        {"case": [c.pk for c in cases], "action": "status", "to_state": "action_scheduled"},
        follow=True,
    )
    assert "There is a problem" in response.content.decode()
    assert "Enter a note" in response.content.decode()
    assert not Case.objects.filter(state="action_scheduled").exists()


@pytest.mark.django_db
def test_bulk_status_change_skips_cases_the_workflow_does_not_allow(client, waste_officer, cases):
    done = cases[0]
    case_transition(case=done, to_state="fixed", actor=StaffActor(waste_officer))
    staff_login(client, waste_officer)
    response = client.post(
        "/hub/bulk/?ignored=1",
        {
            "case": [c.pk for c in cases],
            "action": "status",
            "to_state": "unable_to_fix",
            "note": "The bins were not out",
            "query": "status=open&sort=priority",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/hub/?status=open&sort=priority"
    page = client.get(response["Location"]).content.decode()
    assert "2 cases moved to the new status" in page
    assert f"{done.reference}: cannot go from Collected to Could not collect" in page
    done.refresh_from_db()
    assert done.state == "fixed"
    assert events(done, CaseEvent.Kind.STATUS_CHANGED) == 1  # only the earlier change
    for case in cases[1:]:
        case.refresh_from_db()
        assert (case.state, case.status, case.resolution) == (
            "unable_to_fix",
            "closed",
            "not_possible",
        )
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STATUS_CHANGED)
        assert event.text == "The bins were not out"
        assert event.actor == waste_officer


@pytest.mark.django_db
def test_bulk_assign_skips_cases_the_officer_is_not_in_the_team_of(
    client, waste_officer, cases, catalogue
):
    highways_crew = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, waste_officer)
    page = client.post(
        "/hub/bulk/",
        {"case": [cases[0].pk], "action": "assign", "assignee": highways_crew.pk},
        follow=True,
    ).content.decode()
    assert f"{cases[0].reference}: " in page
    assert "is not in the Waste" in page
    assert Case.objects.get(pk=cases[0].pk).assignee is None


@pytest.mark.django_db
def test_selecting_nothing_says_so(client, waste_officer, cases):
    staff_login(client, waste_officer)
    page = client.post("/hub/bulk/", {"action": "assign"}, follow=True).content.decode()
    assert "Select at least one case" in page


@pytest.mark.django_db
def test_the_queue_offers_bulk_actions_in_a_form_that_works_without_javascript(
    client, waste_officer, cases
):
    staff_login(client, waste_officer)
    page = client.get("/hub/").content.decode()
    assert '<form method="post" action="/hub/bulk/"' in page
    for case in cases:
        assert f'name="case" type="checkbox" value="{case.pk}"' in page
        assert f"Select {case.reference}" in page


@pytest.mark.django_db
def test_agents_see_no_bulk_actions(client, agent, cases):
    staff_login(client, agent)
    page = client.get("/hub/").content.decode()
    assert cases[0].reference in page
    assert "/hub/bulk/" not in page
