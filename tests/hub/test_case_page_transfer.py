"""Transferring a case from its page: it leaves the queue and reaches the other team, errors,
and an admin's transfer form on any case."""

import pytest

from borough.accounts.models import Role, Team
from borough.cases.models import Case, CaseEvent
from tests.factories import StaffFactory
from tests.hub.case_page import act, fresh, page
from tests.signing_in import staff_login

# --- Transfer -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transferred_case_leaves_the_queue_and_reaches_the_other_team(
    client, case, waste_officer, highways_officer
):
    Case.objects.filter(pk=case.pk).update(assignee=waste_officer)
    highways = Team.objects.get(slug="highways")
    staff_login(client, waste_officer)
    due = case.due_date
    response = act(client, case, "transfer", team=highways.pk, transfer_reason="It is a drain")
    assert response.status_code == 302 and response["Location"] == "/hub/"
    assert case.reference not in client.get("/hub/").content.decode()
    assert client.get(f"/hub/cases/{case.reference}/").status_code == 403
    staff_login(client, highways_officer)
    assert case.reference in client.get("/hub/").content.decode()
    html = page(client, case)
    assert "Transferred from Waste and recycling to Highways" in html
    assert "Reason: It is a drain" in html
    assert (fresh(case).assignee, fresh(case).due_date) == (None, due)


@pytest.mark.django_db
def test_transfer_errors(client, case, waste_officer):
    staff_login(client, waste_officer)
    html = act(client, case, "transfer", team="", transfer_reason="x").content.decode()
    assert '<a href="#team">Choose the team to transfer the case to</a>' in html
    highways = Team.objects.get(slug="highways")
    html = act(client, case, "transfer", team=highways.pk, transfer_reason="").content.decode()
    assert '<a href="#transfer_reason">Enter why the case is being transferred</a>' in html
    assert fresh(case).team.slug == "waste"


# --- Transfer from the page of a case seen by an admin ------------------------------------


@pytest.mark.django_db
def test_an_admin_sees_the_transfer_form_on_any_case(client, case, catalogue):
    admin = StaffFactory(
        membership__team=Team.objects.get(slug="parks"), membership__role=Role.ADMIN
    )
    staff_login(client, admin)
    assert "Transfer to another team" in page(client, case)
    assert not CaseEvent.objects.filter(kind="transferred").exists()
