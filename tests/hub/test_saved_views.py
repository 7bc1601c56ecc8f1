"""Saved views of the work queue: save, open, rename, share with a team, delete."""

import pytest
from django.core.exceptions import PermissionDenied

from borough.accounts.models import Role, Team
from borough.core.actors import StaffActor
from borough.hub.models import SavedView
from borough.hub.services import saved_view_create, saved_view_delete, saved_view_update
from tests.factories import ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def waste_lead(catalogue):
    return StaffFactory(
        email="waste.lead@council.example",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )


def save(client, name, query="status=open&assignee=me", **extra):
    return client.post("/hub/views/", {"name": name, "query": query, **extra}, follow=True)


@pytest.mark.django_db
def test_saving_the_current_filters_lists_the_view_and_opens_it(client, waste_officer, make_case):
    make_case()
    staff_login(client, waste_officer)
    page = save(client, "  My open   cases ", query="assignee=me&status=open&bogus=1").content
    page = page.decode()
    assert "View saved: My open cases" in page
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.team) == (waste_officer, "My open cases", None)
    assert view.query == "status=open&assignee=me"  # canonical order, unknown values dropped
    queue = client.get("/hub/").content.decode()
    assert 'href="/hub/?status=open&amp;assignee=me"' in queue
    opened = client.get("/hub/?status=open&assignee=me").content.decode()
    assert 'aria-current="page">My open cases</a>' in opened
    assert '<span class="govuk-caption-m">My open cases</span>' in opened


@pytest.mark.django_db
def test_a_view_needs_a_name_not_already_used(client, waste_officer):
    staff_login(client, waste_officer)
    assert "Enter a name for the view" in save(client, "   ").content.decode()
    save(client, "Overdue")
    assert "You already have a view with this name" in save(client, "overdue").content.decode()
    assert SavedView.objects.count() == 1


@pytest.mark.django_db
def test_renaming_and_deleting_a_view(client, waste_officer):
    staff_login(client, waste_officer)
    save(client, "Overdue", query="overdue=1")
    view = SavedView.objects.get()
    assert client.get(f"/hub/views/{view.pk}/").status_code == 200
    bad = client.post(f"/hub/views/{view.pk}/", {"name": ""})
    assert bad.status_code == 400
    assert "Enter a name for the view" in bad.content.decode()
    renamed = client.post(f"/hub/views/{view.pk}/", {"name": "Late ones"})
    assert renamed["Location"] == "/hub/?overdue=1"
    view.refresh_from_db()
    assert view.name == "Late ones"
    confirm = client.get(f"/hub/views/{view.pk}/delete/").content.decode()
    assert "Are you sure you want to delete “Late ones”?" in confirm
    client.post(f"/hub/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_a_team_lead_shares_a_view_with_their_team(client, waste_lead, waste_officer):
    waste = Team.objects.get(slug="waste")
    staff_login(client, waste_lead)
    assert "Share with a team" in client.get("/hub/").content.decode()
    save(client, "Unassigned", query="assignee=nobody", team=waste.pk)
    view = SavedView.objects.get()
    assert view.team == waste
    staff_login(client, waste_officer)
    page = client.get("/hub/").content.decode()
    assert ">Unassigned</a>" in page
    assert "Shared with Waste" in page
    # Only its owner changes it.
    assert client.get(f"/hub/views/{view.pk}/").status_code == 403
    assert client.post(f"/hub/views/{view.pk}/delete/").status_code == 403
    assert SavedView.objects.filter(pk=view.pk, name="Unassigned").exists()


@pytest.mark.django_db
def test_an_officer_cannot_share_a_view(client, waste_officer):
    waste = Team.objects.get(slug="waste")
    staff_login(client, waste_officer)
    assert "Share with a team" not in client.get("/hub/").content.decode()
    page = save(client, "Mine", team=waste.pk).content.decode()
    assert "You can only share views with a team you lead" in page
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_other_teams_do_not_see_a_shared_view(client, waste_lead, catalogue):
    save_client = client
    staff_login(save_client, waste_lead)
    save(save_client, "Waste only", team=Team.objects.get(slug="waste").pk)
    highways = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, highways)
    assert "Waste only" not in client.get("/hub/").content.decode()


@pytest.mark.django_db
def test_the_saved_view_services_check_who_acts_whoever_calls_them(waste_lead, waste_officer):
    view = saved_view_create(actor=StaffActor(waste_lead), name="Open", query="status=open")
    with pytest.raises(PermissionDenied):
        saved_view_update(actor=StaffActor(waste_officer), view=view, name="Mine", team=None)
    with pytest.raises(PermissionDenied):
        saved_view_delete(actor=StaffActor(waste_officer), view=view)
    with pytest.raises(PermissionDenied):  # a resident's account is not staff
        saved_view_create(actor=StaffActor(ResidentUserFactory()), name="Mine", query="")
    view.refresh_from_db()
    assert (view.name, SavedView.objects.count()) == ("Open", 1)
