"""Directory proposals come from an organisation account's members (issue 26): a member of the
account linked to a listing proposes; a member of another organisation may not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from borough.accounts.models import OrganisationMember, OrganisationRole
from borough.accounts.organisations import organisation_create
from borough.core.actors import ResidentActor, StaffActor
from borough.directory.services import proposal_create, proposal_decide
from tests.directory.conftest import directory, proposed  # noqa: F401  (fixtures)
from tests.factories import ResidentUserFactory

pytestmark = pytest.mark.django_db


def test_an_account_member_proposes_and_the_change_is_published(directory, proposed, client):  # noqa: F811
    owner = ResidentUserFactory(email="chair@foodbank.example")
    account = organisation_create(
        ResidentActor(user=owner), name="Hillside Food Bank", kind="charity"
    )
    volunteer = ResidentUserFactory(email="volunteer@foodbank.example")
    OrganisationMember.objects.create(
        organisation=account, user=volunteer, role=OrganisationRole.MEMBER
    )
    directory.bank.account = account
    directory.bank.save(update_fields=["account"])
    stranger = ResidentUserFactory(email="owner@elsewhere.example")
    organisation_create(ResidentActor(user=stranger), name="Elsewhere Ltd", kind="business")

    with pytest.raises(PermissionDenied):
        proposal_create(ResidentActor(user=stranger), directory.bank, proposed)
    client.force_login(volunteer)
    listing = client.get(reverse("portal:directory_organisations")).content.decode()
    assert "Hillside Food Bank" in listing
    proposal = proposal_create(ResidentActor(user=volunteer), directory.bank, proposed)
    proposal_decide(StaffActor(directory.officer), proposal, approve=True, reason="")
    names = [s["name"] for s in client.get("/openreferral/services").json()["contents"]]
    assert "Baby bank" in names
