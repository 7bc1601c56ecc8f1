"""Officers work cases from the case page; everyone else is refused, by URL and by form post."""

import pytest
from django.core import mail

from borough.accounts.models import Role, Team
from borough.cases.models import Case, CaseEvent, Priority, Status
from tests.factories import StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def case(make_case):
    return make_case()


def act(client, case, action, **data):
    data.setdefault("version", Case.objects.get(pk=case.pk).version)
    return client.post(f"/hub/cases/{case.reference}/{action}/", data)


@pytest.mark.django_db
def test_an_officer_works_a_case_to_closed(
    client, case, waste_officer, django_capture_on_commit_callbacks
):
    from borough.people.models import Resident

    case.resident = Resident.objects.create(
        first_name="Ama", last_name="Owusu", email="ama@example.com"
    )
    case.save()
    colleague = StaffFactory(
        first_name="Olu", membership__team=case.team, membership__role=Role.OFFICER
    )
    staff_login(client, waste_officer)
    assert "Work this case" in client.get(f"/hub/cases/{case.reference}/").content.decode()

    response = act(client, case, "assign", assignee=colleague.pk)
    assert response.status_code == 302
    assert act(client, case, "priority", priority=Priority.HIGH).status_code == 302
    assert act(client, case, "status", status="action_scheduled").status_code == 302
    assert (
        act(client, case, "note", text="Crew booked for Tuesday", visibility="internal").status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            case,
            "status",
            status="fixed",
            status_note="We collected your bin this morning.",
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Status changed to crew sent" in page
    assert "Status changed to collected" in page

    case.refresh_from_db()
    assert (case.assignee, case.priority, case.status, case.resolution) == (
        colleague,
        Priority.HIGH,
        Status.CLOSED,
        "fixed",
    )
    kinds = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [
        "created",
        "assigned",
        "priority_changed",
        "status_changed",
        "note",
        "status_changed",
        "email_sent",  # the timeline records the message sent to the resident
    ]
    assert not case.events.get(kind=CaseEvent.Kind.NOTE).is_public
    # Only the message meant for the resident was emailed to them.
    assert [m.subject for m in mail.outbox] == [
        f"Update on your request {case.reference}: Report a missed bin collection"
    ]
    assert "We collected your bin this morning." in mail.outbox[0].body
    # The resident is told the state in their words, not the staff label ("Collected").
    assert "Status: Your bin has been collected" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_public_update_is_emailed_and_an_internal_note_is_not(
    client, case, waste_officer, django_capture_on_commit_callbacks
):
    from borough.people.models import Resident

    case.resident = Resident.objects.create(
        first_name="Ama", last_name="Owusu", email="ama@example.com"
    )
    case.save()
    staff_login(client, waste_officer)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, case, "note", text="Internal only", visibility="internal")
        act(client, case, "note", text="We will come tomorrow", visibility="public")
    assert len(mail.outbox) == 1
    assert "We will come tomorrow" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_workflow_refuses_invalid_changes_with_a_reason(client, case, waste_officer):
    staff_login(client, waste_officer)
    response = act(client, case, "status")
    assert "Choose the new status" in response.content.decode()
    response = act(client, case, "status", status="repaired")
    assert "Choose a status from the list" in response.content.decode()
    act(client, case, "status", status="fixed")
    response = act(client, case, "status", status="unable_to_fix")
    page = response.content.decode()
    assert "There is a problem" in page
    assert "A case that is collected cannot be moved to could not collect" in page
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.status, case.resolution) == ("fixed", Status.CLOSED, "fixed")


@pytest.mark.django_db
def test_a_second_officer_working_from_an_old_page_is_told_and_overwrites_nothing(
    client, case, waste_officer
):
    staff_login(client, waste_officer)
    seen_version = Case.objects.get(pk=case.pk).version
    act(client, case, "priority", priority=Priority.URGENT, version=seen_version)
    response = act(client, case, "priority", priority=Priority.LOW, version=seen_version)
    assert response.status_code == 409
    assert "This case was changed by" in response.content.decode()
    assert Case.objects.get(pk=case.pk).priority == Priority.URGENT


@pytest.mark.django_db
def test_cases_can_only_be_assigned_within_their_team(client, case, waste_officer):
    outsider = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, waste_officer)
    response = act(client, case, "assign", assignee=outsider.pk)
    assert f"{outsider} is not in the Waste and recycling team" in response.content.decode()
    assert Case.objects.get(pk=case.pk).assignee is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action, data",
    [
        ("assign", {"assignee": ""}),
        ("status", {"status": "in_progress"}),
        ("priority", {"priority": "4"}),
        ("note", {"text": "hello", "visibility": "public"}),
    ],
)
def test_agents_and_other_teams_cannot_work_a_case(client, case, agent, action, data):
    highways = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    before = Case.objects.get(pk=case.pk).version
    for user in (agent, highways):
        staff_login(client, user)
        assert act(client, case, action, **data).status_code == 403
    assert Case.objects.get(pk=case.pk).version == before
    staff_login(client, agent)
    page = client.get(f"/hub/cases/{case.reference}/").content.decode()
    assert "Work this case" not in page  # agents see the case but not the controls


@pytest.mark.django_db
def test_residents_and_strangers_cannot_post_actions(client, case):
    response = act(client, case, "status", status="in_progress")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert Case.objects.get(pk=case.pk).status == Status.NEW
