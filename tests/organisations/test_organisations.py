"""Organisation accounts (issue 26): members with roles, invitations by email, requests on the
organisation's record, and least privilege between organisations."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from borough.accounts.models import OrganisationMember, OrganisationRole
from borough.accounts.organisations import (
    OrganisationInvalid,
    invite_create,
    member_remove,
    organisation_create,
)
from borough.cases.create import case_create
from borough.cases.errors import NotAllowed
from borough.cases.models import Case
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.notify.models import Message
from tests.factories import ResidentUserFactory

pytestmark = pytest.mark.django_db

TRADE_WASTE = {"waste_type": "general", "frequency": "weekly", "bins": "2"}


@pytest.fixture
def people(catalogue, gazetteer):
    owner = ResidentUserFactory(email="owner@cafe.example")
    member = ResidentUserFactory(email="member@cafe.example")
    other = ResidentUserFactory(email="owner@bakery.example")
    cafe = organisation_create(ResidentActor(user=owner), name="Corner Cafe", kind="business")
    OrganisationMember.objects.create(organisation=cafe, user=member, role=OrganisationRole.MEMBER)
    bakery = organisation_create(ResidentActor(user=other), name="Bread Co", kind="business")
    return owner, member, other, cafe, bakery


def _trade_waste(catalogue, user, organisation, uprn=100021500001):
    return case_create(
        actor=ResidentActor(user=user),
        service=catalogue["trade-waste-collection"],
        answers={"address": uprn, **TRADE_WASTE},
        channel=Channel.WEB,
        organisation=organisation,
    )


def test_registering_makes_you_owner_and_bad_input_is_refused(people, client):
    owner, *_ = people
    client.force_login(owner)
    page = client.post(reverse("portal:my_organisations"), {"name": " ", "kind": "shop"})
    assert "Enter the organisation&#x27;s name" in page.content.decode()
    assert "Select what kind of organisation it is" in page.content.decode()
    response = client.post(
        reverse("portal:my_organisations"), {"name": "Hall Trust", "kind": "charity"}
    )
    trust = OrganisationMember.objects.get(user=owner, organisation__name="Hall Trust")
    assert trust.role == "owner"
    assert response["Location"] == reverse("portal:organisation", args=[trust.organisation_id])
    assert AuditEvent.objects.filter(
        object_type="accounts.organisation", object_id=str(trust.organisation_id)
    ).exists()


def test_an_owner_invites_by_email_and_the_invitee_joins(people, client, gazetteer):
    owner, _member, _other, cafe, _ = people
    client.force_login(owner)
    bad = client.post(
        reverse("portal:organisation_invite", args=[cafe.pk]), {"email": "nope", "role": ""}
    )
    assert bad.status_code == 400 and not Message.objects.exists()
    client.post(
        reverse("portal:organisation_invite", args=[cafe.pk]),
        {"email": "New.Starter@Cafe.example", "role": "admin"},
    )
    message = Message.objects.get(template="organisation_invite")
    assert message.to == "new.starter@cafe.example"
    link = re.search(r"/organisations/join/\S+/", message.body).group(0)
    newcomer = ResidentUserFactory(email="new.starter@cafe.example")
    client.force_login(newcomer)
    assert "Join Corner Cafe" in client.get(link).content.decode()
    client.post(link)
    assert cafe.members.get(user=newcomer).role == "admin"
    assert client.post(link).status_code == 404  # used once only


def test_members_make_requests_for_the_organisation_and_see_them(people, client, catalogue):
    owner, member, other, cafe, bakery = people
    case = _trade_waste(catalogue, member, cafe)
    assert case.organisation == cafe and case.due_date
    with pytest.raises(NotAllowed):  # not a member of the bakery
        _trade_waste(catalogue, member, bakery)
    client.force_login(owner)  # the owner sees a request another member made
    page = client.get(reverse("portal:organisation", args=[cafe.pk])).content.decode()
    assert case.reference in page and "member@cafe.example" in page


def test_a_member_of_one_organisation_never_sees_anothers(people, client, catalogue):
    owner, member, other, cafe, bakery = people
    bakery_case = _trade_waste(catalogue, other, bakery)
    client.force_login(member)
    assert client.get(reverse("portal:organisation", args=[bakery.pk])).status_code == 404
    own = client.get(reverse("portal:organisation", args=[cafe.pk])).content.decode()
    assert bakery_case.reference not in own
    response = client.post(
        reverse("portal:organisation_invite", args=[bakery.pk]), {"email": "x@y.example"}
    )
    assert response.status_code == 404
    assert client.get(reverse("portal:my_request", args=[bakery_case.reference])).status_code == 404


def test_check_answers_asks_which_organisation(people, client, catalogue, gazetteer):
    _owner, member, _other, cafe, bakery = people
    client.force_login(member)
    slug = "trade-waste-collection"
    client.post(reverse("portal:start", args=[slug]))
    client.post(
        reverse("portal:question", args=[slug, "address"]),
        {"step": "postcode", "postcode": "UB8 1QA"},
    )
    client.post(reverse("portal:question", args=[slug, "address"]), {"address": "100021500001"})
    for question, value in (("waste_type", "general"), ("frequency", "weekly"), ("bins", "2")):
        client.post(reverse("portal:question", args=[slug, question]), {question: value})
    check = reverse("portal:check", args=[slug])
    page = client.get(check).content.decode()
    assert "Who is this request for?" in page and "Corner Cafe" in page
    assert "Bread Co" not in page
    refused = client.post(check, {"organisation": str(bakery.pk)})
    assert "Select who this request is for" in refused.content.decode()
    assert not Case.objects.exists()
    client.post(check, {"organisation": str(cafe.pk)})
    assert Case.objects.get().organisation == cafe


def test_least_privilege_inside_an_organisation(people):
    owner, member, _other, cafe, _ = people
    with pytest.raises(PermissionDenied):
        invite_create(ResidentActor(user=member), cafe, email="a@b.example", role="member")
    owner_row = cafe.members.get(user=owner)
    with pytest.raises(PermissionDenied):
        member_remove(ResidentActor(user=member), owner_row)
    with pytest.raises(OrganisationInvalid):  # the last owner stays
        member_remove(ResidentActor(user=owner), owner_row)
    member_remove(ResidentActor(user=owner), cafe.members.get(user=member))
    assert list(cafe.members.values_list("user__email", flat=True)) == ["owner@cafe.example"]
    assert AuditEvent.objects.filter(
        object_type="accounts.organisation", action="deleted", object_id=str(cafe.pk)
    ).exists()
