"""The community directory: representatives propose, the directory team decides, residents
find what was approved (issue 26)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from borough.core.actors import ResidentActor, StaffActor
from borough.core.models import AuditEvent
from borough.directory.models import Proposal, Service
from borough.directory.selectors import postcode_point, search
from borough.directory.services import (
    ProposalInvalid,
    diff,
    invite_token,
    proposal_create,
    proposal_decide,
)

pytestmark = pytest.mark.django_db


def test_a_proposal_is_public_only_once_the_directory_team_approves_it(directory, proposed, client):
    rep = ResidentActor(user=directory.rep)
    proposal = proposal_create(rep, directory.bank, proposed)
    assert not Service.objects.filter(name="Baby bank").exists()
    assert "Baby bank" not in client.get(reverse("portal:directory"), {"words": "baby"}).text

    proposal_decide(StaffActor(directory.officer), proposal, approve=True, reason="")
    service = Service.objects.get(name="Baby bank")
    assert service.organisation == directory.bank
    assert service.schedules.get().byday == "TH"
    assert "Baby bank" in client.get(reverse("portal:directory"), {"words": "baby"}).text
    audited = AuditEvent.objects.filter(object_type="directory.proposal", object_id=proposal.pk)
    assert [(e.action, e.summary) for e in audited.order_by("pk")] == [
        ("created", "Hillside Food Bank: Baby bank"),
        ("changed", "Approved: Hillside Food Bank: Baby bank"),
    ]


def test_a_change_shows_as_a_diff_and_replaces_the_published_service(directory, proposed):
    change = {
        **proposed,
        "name": "Emergency food parcels",
        "days": ["MO", "WE", "FR"],
        "opens_at": "10:00",
        "closes_at": "13:00",
        "location": str(directory.near.pk),
    }
    proposal = proposal_create(
        ResidentActor(user=directory.rep), directory.bank, change, service=directory.parcels
    )
    rows = {row["field"]: row for row in diff(proposal)}
    assert rows["days"]["changed"] and rows["days"]["old"] == "MO, WE"
    assert rows["days"]["new"] == "MO, WE, FR"
    assert not rows["name"]["changed"]
    proposal_decide(StaffActor(directory.officer), proposal, approve=True, reason="Checked")
    directory.parcels.refresh_from_db()
    assert directory.parcels.description == proposed["description"]
    assert directory.parcels.schedules.get().byday == "MO,WE,FR"


def test_only_representatives_propose_and_only_the_directory_team_decides(
    directory, proposed, waste_officer
):
    with pytest.raises(PermissionDenied):
        proposal_create(ResidentActor(user=directory.rep), directory.advice, proposed)
    with pytest.raises(PermissionDenied):  # a change to another organisation's service
        proposal_create(
            ResidentActor(user=directory.rep), directory.bank, proposed, service=directory.pantry
        )
    proposal = proposal_create(ResidentActor(user=directory.rep), directory.bank, proposed)
    with pytest.raises(PermissionDenied):
        proposal_decide(StaffActor(waste_officer), proposal, approve=True, reason="")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_a_rejection_needs_a_reason_and_a_decision_is_made_once(directory, proposed):
    proposal = proposal_create(ResidentActor(user=directory.rep), directory.bank, proposed)
    staff = StaffActor(directory.officer)
    with pytest.raises(ProposalInvalid) as refused:
        proposal_decide(staff, proposal, approve=False, reason=" ")
    assert "reason" in refused.value.errors
    proposal_decide(staff, proposal, approve=False, reason="We list baby banks elsewhere")
    with pytest.raises(ProposalInvalid):
        proposal_decide(staff, proposal, approve=True, reason="")
    assert not Service.objects.filter(name="Baby bank").exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(directory, proposed):
    bad = {
        **proposed,
        "name": "",
        "url": "not a link",
        "minimum_age": "12",
        "maximum_age": "9",
        "opens_at": "25:00",
        "location": str(directory.far.pk),
        "needs": ["unicorns"],
    }
    with pytest.raises(ProposalInvalid) as refused:
        proposal_create(ResidentActor(user=directory.rep), directory.bank, bad)
    assert set(refused.value.errors) == {
        "name",
        "url",
        "maximum_age",
        "opens_at",
        "location",
        "needs",
    }
    assert not Proposal.objects.exists()


def test_search_by_need_and_postcode_puts_the_nearest_first(directory):
    near = postcode_point("ub8 1qa")
    found = search(need="food", near=near)
    assert [f.service.name for f in found] == ["Emergency food parcels", "Community pantry"]
    assert found[0].miles < 1 < found[1].miles
    assert [f.service.name for f in search(words="bills")] == ["Debt advice"]
    assert postcode_point("ZZ9 9ZZ") is None


def test_residents_search_and_read_a_service_page(directory, client):
    page = client.get(reverse("portal:directory"), {"need": "food", "postcode": "UB8 1QA"})
    assert page.status_code == 200
    text = page.text
    assert text.index("Emergency food parcels") < text.index("Community pantry")
    assert "miles away, at Church hall" in text
    wrong = client.get(reverse("portal:directory"), {"postcode": "ZZ9 9ZZ"})
    assert "govuk-error-summary" in wrong.text
    service = client.get(reverse("portal:directory_service", args=[directory.parcels.pk]))
    assert "Monday, Wednesday: 10:00 to 13:00" in service.text
    assert "Free" in service.text


def test_the_representative_and_staff_pages_carry_the_flow(
    directory, proposed, client, staff_login
):
    client.force_login(directory.rep)
    url = reverse("portal:directory_propose", args=[directory.bank.pk])
    form = {**proposed, "url": "nonsense"}
    refused = client.post(url, form)
    assert "Enter the service&#x27;s web address" in refused.text
    assert client.post(url, proposed).status_code == 302
    proposal = Proposal.objects.get()
    client.logout()
    staff_login(client, directory.officer)
    review = client.get(reverse("hub:directory_proposal", args=[proposal.pk]))
    assert "New service: Baby bank" in review.text
    client.post(
        reverse("hub:directory_proposal", args=[proposal.pk]),
        {"decision": "reject", "reason": "Please add opening times for Saturdays"},
    )
    client.logout()
    client.force_login(directory.rep)
    mine = client.get(reverse("portal:directory_organisations"))
    assert "Please add opening times for Saturdays" in mine.text


def test_staff_outside_the_directory_team_cannot_review(
    directory, waste_officer, client, staff_login
):
    staff_login(client, waste_officer)
    assert client.get(reverse("hub:directory")).status_code == 403


def test_an_invite_link_makes_a_resident_a_member_of_the_organisations_account(directory, client):
    newcomer = directory.rep.__class__.objects.create(email="new@advice.example", kind="resident")
    token = invite_token(StaffActor(directory.officer), directory.advice)
    client.force_login(newcomer)
    assert client.get(reverse("portal:directory_join", args=[token + "x"])).status_code == 404
    client.post(reverse("portal:directory_join", args=[token]))
    directory.advice.refresh_from_db()
    account = directory.advice.account
    assert account.name == directory.advice.name  # the listing had no account: one is made
    assert account.members.get(user=newcomer).role == "owner"
    assert not directory.advice.representatives.filter(pk=newcomer.pk).exists()
    second = newcomer.__class__.objects.create(email="second@advice.example", kind="resident")
    client.force_login(second)
    client.post(reverse("portal:directory_join", args=[token]))
    assert account.members.get(user=second).role == "member"
