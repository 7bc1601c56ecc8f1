"""Organisations and councillors in the browser (issue 26): a member of an organisation's
account proposes a directory change, the directory team approves it and it is in the Open
Referral UK API; a councillor raises an enquiry for a resident and follows its update."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from borough.accounts.models import Membership, OrganisationMember, Role, Team
from borough.accounts.organisations import organisation_create
from borough.cases.models import Case
from borough.cases.workflow import case_send_update
from borough.core.actors import ResidentActor, StaffActor
from borough.places.models import Ward, WardCouncillor
from tests.directory.world import build_directory
from tests.factories import ResidentUserFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_an_organisation_member_proposes_and_staff_publish(
    visit, live_server, catalogue, gazetteer
):
    d = build_directory()
    owner = ResidentUserFactory(email="chair@foodbank.example")
    account = organisation_create(
        ResidentActor(user=owner), name="Hillside Food Bank", kind="charity"
    )
    member = ResidentUserFactory(email="volunteer@foodbank.example")
    OrganisationMember.objects.create(organisation=account, user=member, role="member")
    d.bank.account = account
    d.bank.save(update_fields=["account"])

    volunteer = visit(javascript=False)
    volunteer.sign_in(live_server, member)
    page = volunteer.page
    page.goto(f"{live_server.url}/my-account/organisations/{account.pk}/")
    expect(page.get_by_text("Your role: Member")).to_be_visible()
    page.goto(f"{live_server.url}/community-directory/your-organisations/")
    page.get_by_role("button", name="Propose a new service for Hillside Food Bank").click()
    page.get_by_label("Name of the service").fill("Baby bank")
    page.get_by_label("What the service does").fill("Clothes, nappies and prams for families.")
    page.get_by_label("Food").check()
    page.get_by_label("Web address").fill("https://foodbank.example/baby")
    page.get_by_label("Thursday").check()
    page.get_by_label("Opens at").fill("10:00")
    page.get_by_label("Closes at").fill("12:00")
    page.get_by_role("button", name="Send for checking").click()
    expect(page.get_by_text("Waiting for review")).to_be_visible()

    staff = visit(javascript=False)
    staff.sign_in(live_server, d.officer)
    hub = staff.page
    hub.goto(f"{live_server.url}/hub/directory/")
    hub.get_by_role("link", name="Baby bank").click()
    hub.get_by_label("Approve and publish").check()
    hub.get_by_role("button", name="Save decision").click()
    expect(hub.get_by_text("Change approved and published")).to_be_visible()
    listing = page.request.get(f"{live_server.url}/openreferral/services?search=baby").json()
    assert [s["name"] for s in listing["contents"]] == ["Baby bank"]


@pytest.mark.django_db(transaction=True)
def test_a_councillor_raises_and_follows_an_enquiry(visit, live_server, catalogue, gazetteer):
    ward = Ward.objects.get(name="Ashgrove")
    cllr = ResidentUserFactory(email="cllr.khan@council.example")
    team, _ = Team.objects.get_or_create(slug="councillors", defaults={"name": "Councillors"})
    Membership.objects.create(user=cllr, team=team, role=Role.COUNCILLOR)
    WardCouncillor.objects.create(ward=ward, user=cllr)
    today = timezone.localdate()

    councillor = visit(javascript=False)
    councillor.sign_in(live_server, cllr)
    page = councillor.page
    page.goto(f"{live_server.url}/councillor/")
    page.get_by_role("button", name="Raise an enquiry for a resident").click()
    page.get_by_role("button", name="Raise the enquiry").click()
    expect(page.get_by_text("Select how the resident gave their consent").first).to_be_visible()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("In person (surgery or visit)").check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("What is the enquiry about?").fill("Broken street light")
    page.get_by_label("What does the resident want the council to do?").fill(
        "The light outside number 4 has been out for three weeks."
    )
    page.get_by_role("button", name="Raise the enquiry").click()
    expect(page.get_by_text("In person (surgery or visit)")).to_be_visible()

    case = Case.objects.get(service__slug="member-enquiry")
    officer = StaffFactory(
        membership__team=Team.objects.get(slug="member-services"), membership__role=Role.OFFICER
    )
    case_send_update(
        case=case, text="Highways will repair it on Friday.", actor=StaffActor(officer)
    )
    page.reload()
    expect(page.get_by_text("Highways will repair it on Friday.")).to_be_visible()
    councillor.assert_accessible()
