import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from borough.cases.models import Case
from borough.catalogue.answers import validate_answers
from borough.contacts.models import Contact
from borough.core.channels import Channel
from borough.core.postcodes import normalise_postcode
from borough.directory.models import Organisation, Service
from borough.inclusion.models import Device, Loan
from borough.inclusion.selectors import waiting_list
from borough.insights.models import DailyCount, Kpi
from borough.people.models import Household, Resident
from borough.places.models import Property
from borough.places.selectors import Gazetteer


def fingerprint() -> str:
    rows = [
        *Resident.objects.order_by("id").values_list("first_name", "last_name", "email"),
        *Case.objects.order_by("id").values_list("reference", "service__slug", "status"),
        *Property.objects.order_by("uprn").values_list("uprn", "postcode"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_the_demo_borough_is_realistic_and_reproducible():
    call_command("seed_demo", residents=400, seed=7)
    assert Resident.objects.count() == 400
    households = Household.objects.count()
    assert 120 <= households <= 200  # about 2.6 people a household
    assert all(
        normalise_postcode(p) == p for p in Property.objects.values_list("postcode", flat=True)
    )
    cases = Case.objects.count()
    assert 150 <= cases <= 200
    channels = set(Contact.objects.values_list("channel", flat=True))
    assert {Channel.WEB, Channel.PHONE, Channel.EMAIL} <= channels
    assert Contact.objects.count() > cases  # enquiries and chasers as well as requests
    # The demo year is counted for the KPI pages.
    counted = DailyCount.objects.filter(kpi=Kpi.CONTACTS).aggregate(n=Sum("value"))["n"]
    assert counted == Contact.objects.filter(direction=Contact.Direction.INBOUND).count()
    assert DailyCount.objects.filter(kpi=Kpi.CASES_OPENED).aggregate(n=Sum("value"))["n"] == cases
    # The community directory (issue 26): a dozen services, one organisation's representative.
    assert Service.objects.filter(status="active").count() == 12
    assert Organisation.objects.filter(representatives__email="rep@foodbank.example").exists()
    # Two controlled parking zones, and who owns the land along most streets (issue 19).
    from borough.processes.models import LandOwner, ParkingZone

    assert [(z.code, z.streets.count()) for z in ParkingZone.objects.all()] == [("A", 1), ("B", 1)]
    assert LandOwner.objects.filter(kind="other_public", owner_name="Network Rail").exists()
    # Organisation accounts and a councillor (issue 26).
    from borough.accounts.models import Organisation as Account
    from borough.cases.models import MemberEnquiry

    food_bank = Organisation.objects.get(representatives__email="rep@foodbank.example")
    assert food_bank.account.members.get().user.email == "rep@foodbank.example"
    cafe = Account.objects.get(name="Acacia Avenue Cafe")
    assert cafe.cases.filter(service__slug="trade-waste-collection").count() == 1
    assert cafe.members.count() == 2
    assert MemberEnquiry.objects.filter(councillor__email="cllr.patel@council.example").count() == 2
    # Digital inclusion (issue 26): stock, a waiting list, loans out and the demo resident's
    # laptop offered to accept in MyAccount.
    assert Device.objects.count() == 16 and waiting_list()
    assert Loan.objects.filter(status="out").count() == 4
    assert Loan.objects.filter(resident__user__email="resident@example.com", status="offered")
    first = fingerprint()

    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", residents=400, seed=7)
    assert fingerprint() == first

    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", residents=400, seed=8)
    assert fingerprint() != first


@pytest.mark.django_db(transaction=True)
def test_every_demo_case_passes_the_same_validation_as_a_real_one():
    call_command("seed_demo", residents=300, seed=3)
    places = Gazetteer()
    for case in Case.objects.select_related("service"):
        _, errors = validate_answers(
            case.service.form, case.answers, places=places, on=timezone.localdate(case.created_at)
        )
        assert errors == {}, (case.service.slug, case.answers, errors)


@pytest.mark.django_db
def test_the_demo_is_only_made_in_an_empty_database(gazetteer):
    with pytest.raises(CommandError, match="only made in an empty database"):
        call_command("seed_demo", residents=50)
    call_command("seed_demo", residents=50, if_empty=True)  # succeeds, does nothing
    assert Resident.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_new_records_can_be_added_after_the_demo_is_made():
    """The demo gives out ids itself; the database's sequences must have moved on."""
    call_command("seed_demo", residents=100, seed=5)
    highest = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    resident = Resident.objects.create(first_name="New", last_name="Resident")
    assert resident.id > highest
    contact = Contact.objects.create(channel=Channel.PHONE, started_at=timezone.now())
    assert Contact.objects.filter(pk=contact.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_demo_staff_sign_in_with_the_demo_password_and_an_app_code():
    from io import StringIO

    from django.test import Client

    call_command("seed_demo", residents=50, seed=5)
    out = StringIO()
    call_command("demo_totp_code", "agent@council.example", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    client = Client()
    response = client.post(
        "/account/login/?next=/hub/",
        {"login": "agent@council.example", "password": "borough-demo-2026"},
    )
    assert response["Location"] == "/account/2fa/authenticate/"
    response = client.post("/account/2fa/authenticate/", {"code": code})
    assert response["Location"] == "/hub/"
    assert client.get("/hub/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_demo_resident_signs_in_and_sees_their_requests_in_myaccount():
    from django.test import Client

    call_command("seed_demo", residents=200, seed=5)
    resident = Resident.objects.get(user__email="resident@example.com")
    references = list(Case.objects.filter(resident=resident).values_list("reference", flat=True))
    assert references and resident.household_id

    client = Client()
    response = client.post(
        "/account/login/", {"login": "resident@example.com", "password": "borough-demo-2026"}
    )
    assert response["Location"] == "/my-account/"
    page = client.get("/my-account/").content.decode()
    assert all(reference in page for reference in references)
    assert resident.household.property.single_line.split(",")[0] in page


@pytest.mark.django_db
def test_demo_totp_code_is_only_for_demo_accounts(catalogue):
    from borough.accounts.mfa import authenticator_app_add
    from tests.factories import StaffFactory
    from tests.signing_in import TEST_TOTP_SECRET

    staff = StaffFactory(email="real.person@council.example")
    with pytest.raises(CommandError, match="no authenticator app"):
        call_command("demo_totp_code", staff.email)
    authenticator_app_add(user=staff, secret=TEST_TOTP_SECRET)
    with pytest.raises(CommandError, match="not the demo one"):
        call_command("demo_totp_code", staff.email)
    with pytest.raises(CommandError, match="no account"):
        call_command("demo_totp_code", "nobody@council.example")
