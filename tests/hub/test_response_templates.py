"""Team leads and admins manage response templates in the hub; nobody else may."""

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.models import ResponseTemplate, Status
from tests.factories import StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def waste(catalogue):
    return Team.objects.get(slug="waste")


@pytest.fixture
def waste_lead(waste):
    return StaffFactory(first_name="Lee", membership__team=waste, membership__role=Role.TEAM_LEAD)


def make_template(team, title="Collected", body="Hello {reference}"):
    now = timezone.now()
    return ResponseTemplate.objects.create(
        team=team, title=title, body=body, created_at=now, updated_at=now
    )


@pytest.mark.django_db
def test_a_team_lead_adds_changes_and_deletes_a_template(client, waste_lead, waste, catalogue):
    make_template(Team.objects.get(slug="highways"), title="Pothole filled")
    staff_login(client, waste_lead)
    html = client.get("/hub/").content.decode()
    assert 'href="/hub/templates/"' in html
    html = client.get("/hub/templates/").content.decode()
    assert "Your teams have no response templates yet" in html
    assert "Pothole filled" not in html  # another team's

    form = client.get("/hub/templates/new/").content.decode()
    assert "{resident_first_name}" in form
    missed_bin = catalogue["report-missed-bin"]
    response = client.post(
        "/hub/templates/new/",
        {
            "team": waste.pk,
            "service": missed_bin.pk,
            "status": Status.IN_PROGRESS,
            "title": "Bin collected",
            "body": "Hello {resident_first_name}, we collected it. Ref {reference}.",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/hub/templates/"
    html = client.get("/hub/templates/").content.decode()
    assert "Template &#x27;Bin collected&#x27; saved" in html
    assert "Report a missed bin collection" in html and "In progress" in html
    template = ResponseTemplate.objects.get(title="Bin collected")

    html = client.get(f"/hub/templates/{template.pk}/").content.decode()
    assert 'value="Bin collected"' in html
    response = client.post(
        f"/hub/templates/{template.pk}/",
        {"team": waste.pk, "service": "", "status": "", "title": "Collected", "body": "Done"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.service, template.status, template.body) == (
        "Collected",
        None,
        "",
        "Done",
    )

    assert (
        "Are you sure you want to delete"
        in client.get(f"/hub/templates/{template.pk}/delete/").content.decode()
    )
    assert client.post(f"/hub/templates/{template.pk}/delete/").status_code == 302
    assert not ResponseTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.django_db
def test_bad_input_gets_an_error_summary_and_nothing_is_saved(client, waste_lead, waste):
    staff_login(client, waste_lead)
    response = client.post(
        "/hub/templates/new/",
        {"team": waste.pk, "service": "", "status": "", "title": "", "body": "Hi {name}"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add a template" in html
    assert '<a href="#title">Enter a title</a>' in html
    assert '<a href="#body">{name} is not a placeholder you can use.' in html
    assert ">Hi {name}</textarea>" in html  # what was typed is kept
    html = client.post(
        "/hub/templates/new/", {"team": "", "title": "T", "body": "B"}
    ).content.decode()
    assert '<a href="#team">Choose a team</a>' in html
    assert not ResponseTemplate.objects.exists()


@pytest.mark.django_db
def test_officers_agents_and_other_teams_leads_are_refused(client, waste, waste_officer, agent):
    template = make_template(waste)
    highways_lead = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.TEAM_LEAD
    )
    for user in (waste_officer, agent):
        staff_login(client, user)
        assert 'href="/hub/templates/"' not in client.get("/hub/").content.decode()
        assert client.get("/hub/templates/").status_code == 403
        assert client.get("/hub/templates/new/").status_code == 403
        assert client.post("/hub/templates/new/", {"team": waste.pk}).status_code == 403
    for user in (waste_officer, agent, highways_lead):
        staff_login(client, user)
        assert client.get(f"/hub/templates/{template.pk}/").status_code == 403
        response = client.post(
            f"/hub/templates/{template.pk}/", {"team": waste.pk, "title": "X", "body": "Y"}
        )
        assert response.status_code == 403
        assert client.post(f"/hub/templates/{template.pk}/delete/").status_code == 403
    # A team lead cannot move a template into, or make one for, a team they do not lead.
    staff_login(client, highways_lead)
    html = client.post(
        "/hub/templates/new/", {"team": waste.pk, "title": "X", "body": "Y"}
    ).content.decode()
    assert "Choose a team" in html
    template.refresh_from_db()
    assert template.title == "Collected"
    assert ResponseTemplate.objects.count() == 1


@pytest.mark.django_db
def test_admins_manage_every_teams_templates(client, waste):
    admin = StaffFactory(
        membership__team=Team.objects.get(slug="parks"), membership__role=Role.ADMIN
    )
    template = make_template(waste)
    staff_login(client, admin)
    assert "Collected" in client.get("/hub/templates/").content.decode()
    assert client.post(f"/hub/templates/{template.pk}/delete/").status_code == 302


@pytest.mark.django_db
def test_strangers_are_sent_to_sign_in(client, waste):
    response = client.get("/hub/templates/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
