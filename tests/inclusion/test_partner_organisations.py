"""A partner that is an organisation with an account (ADR 0045) is linked to it, not typed
twice: the account's members nominate for the partner and see its nominations, people who are
not members do not, the admin takes the name from the account, and the migration links only
where linking lets no one new see residents' details."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from borough.accounts.models import Organisation, OrganisationMember, OrganisationRole
from borough.core.actors import ResidentActor
from borough.inclusion.admin import PartnerForm
from borough.inclusion.models import Nomination, Partner
from borough.inclusion.services import nominate
from tests.factories import ResidentUserFactory

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module(
    "borough.inclusion.migrations.0003_partner_organisation_account"
)


def _account(name: str, *users) -> Organisation:
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.CHARITY)
    for user in users:
        OrganisationMember.objects.create(
            organisation=organisation, user=user, role=OrganisationRole.MEMBER
        )
    return organisation


def test_the_accounts_members_nominate_for_the_linked_partner(world, client, nominated):
    volunteer = ResidentUserFactory(email="volunteer@agewell.example")
    charity = world["charity"]
    charity.organisation = _account("Age Well", volunteer)
    charity.save(update_fields=["organisation"])
    client.force_login(volunteer)
    home = client.get("/digital-inclusion/partners/")
    assert home.status_code == 200 and "Age Well" in home.content.decode()
    assert "Ama Owusu" not in home.content.decode()  # the library's nomination
    assert client.get(f"/digital-inclusion/partners/{charity.pk}/nominate/").status_code == 200
    assert (
        client.get(f"/digital-inclusion/partners/{world['library'].pk}/nominate/").status_code
        == 404
    )
    mine = nominate(
        actor=ResidentActor(user=volunteer),
        partner=charity,
        resident=world["ama"],
        kind_wanted="tablet",
        reason="No device at home",
        rule_ids=[world["rules"]["lives-in-borough"].pk],
        consent=True,
    )
    assert Nomination.objects.get(pk=mine.pk).partner == charity
    assert "Nominate residents for a device" in client.get("/my-account/").content.decode()
    # Leaving the organisation ends it.
    OrganisationMember.objects.filter(user=volunteer).delete()
    assert client.get("/digital-inclusion/partners/").status_code == 404


def test_the_admin_takes_the_partners_name_from_its_account(world):
    account = _account("Northfield Community Centre")
    form = PartnerForm(data={"organisation": account.pk, "name": "", "kind": "community_centre"})
    assert form.is_valid(), form.errors
    assert form.save().name == "Northfield Community Centre"
    neither = PartnerForm(data={"organisation": "", "name": "", "kind": "charity"})
    assert not neither.is_valid() and "choose its organisation account" in str(neither.errors)


def test_the_migration_links_only_where_no_one_new_would_see_nominations(world):
    helper = world["helper"]  # already nominates for Age Well
    same_people = _account("age well ", helper)
    _account("Central Library", ResidentUserFactory(email="stranger@example.com"))
    MIGRATION.link_partners_to_their_accounts(apps, None)
    assert Partner.objects.get(name="Age Well").organisation == same_people
    # The library's account has someone who does not nominate for it: left for the admin.
    assert Partner.objects.get(name="Central Library").organisation is None
