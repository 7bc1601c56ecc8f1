"""The hub shows organisations like residents (issue 26): search, members, requests, contacts;
officers see only organisations with requests in their teams, and only those requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from borough.accounts.models import Role, Team
from borough.accounts.organisations import organisation_create
from borough.cases.create import case_create
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from tests.factories import ResidentUserFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cafe(catalogue, gazetteer):
    owner = ResidentUserFactory(email="owner@cafe.example")
    cafe = organisation_create(ResidentActor(user=owner), name="Corner Cafe", kind="business")
    waste = case_create(
        actor=ResidentActor(user=owner),
        service=catalogue["trade-waste-collection"],
        answers={
            "address": 100021500001,
            "waste_type": "general",
            "frequency": "weekly",
            "bins": 2,
        },
        channel=Channel.WEB,
        organisation=cafe,
    )
    licence = case_create(
        actor=ResidentActor(user=owner),
        service=catalogue["premises-licence"],
        answers={"address": 100021500001, "activities": "alcohol", "hours": "10am to 11pm"},
        channel=Channel.WEB,
        organisation=cafe,
    )
    return cafe, waste, licence


def test_an_agent_finds_the_organisation_and_sees_its_record(cafe, agent, staff_login, client):
    organisation, waste, licence = cafe
    staff_login(client, agent)
    found = client.get(reverse("hub:organisation_search"), {"q": "corner"}).content.decode()
    assert "Corner Cafe" in found and "2 open requests" in found
    by_member = client.get(reverse("hub:organisation_search"), {"q": "owner@cafe.example"})
    assert "Corner Cafe" in by_member.content.decode()
    page = client.get(reverse("hub:organisation", args=[organisation.pk])).content.decode()
    assert "owner@cafe.example" in page and "Owner" in page
    assert waste.reference in page and licence.reference in page
    assert "Request raised" in page or "Get a trade waste collection" in page  # contacts
    assert AuditEvent.objects.filter(
        object_type="accounts.organisation", action="viewed", actor=agent
    ).exists()


def test_officers_see_only_their_teams_requests_and_organisations(
    cafe, waste_officer, staff_login, client
):
    organisation, waste, licence = cafe
    staff_login(client, waste_officer)
    page = client.get(reverse("hub:organisation", args=[organisation.pk])).content.decode()
    assert waste.reference in page and licence.reference not in page
    parks = StaffFactory(
        email="parks@council.example",
        membership__team=Team.objects.get(slug="parks"),
        membership__role=Role.OFFICER,
    )
    staff_login(client, parks)
    assert client.get(reverse("hub:organisation", args=[organisation.pk])).status_code == 403
    found = client.get(reverse("hub:organisation_search"), {"q": "corner"}).content.decode()
    assert "No organisations found" in found


def test_residents_may_not_use_the_hub_pages(cafe, client):
    organisation, *_ = cafe
    client.force_login(organisation.members.get().user)
    response = client.get(reverse("hub:organisation", args=[organisation.pk]))
    assert response.status_code in (302, 403)
