"""Resident parking permit: every path of ``resident_parking_permit.bpmn`` (issued and
reminded; address in no zone; a registration the DVLA does not know, corrected or refused; a
registration that cannot be one; paid a different price, settled or refused), the price by
CO2 band with its effective dates, the DVLA connector down (fails visibly, retried), the renewal
timer firing twice, and the embedded VES sandbox over HTTP."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.create import case_create
from borough.cases.models import Status
from borough.catalogue.models import Service, Upload
from borough.core.actors import ResidentActor, StaffActor, SystemActor
from borough.core.channels import Channel
from borough.payments.models import Payment, PayState
from borough.processes import ves
from borough.processes.models import (
    DecisionTable,
    InstanceStatus,
    ParkingPermit,
    ParkingZone,
    ProcessStep,
    StepState,
)
from borough.processes.services import complete_task, retry, start_process, sweep_timers
from borough.processes.versions import save_decision_table
from tests.factories import StaffFactory

SYSTEM = SystemActor("test")
IN_ZONE, NO_ZONE = 100021500001, 100021500009  # Acacia Avenue (zone A), Mill Lane (none)


@pytest.fixture
def parking_officer(catalogue):
    return StaffFactory(
        email="parking.officer@council.example",
        membership__team=Team.objects.get(slug="parking"),
        membership__role=Role.OFFICER,
    )


@pytest.fixture
def zones(gazetteer):
    zone = ParkingZone.objects.create(code="A", name="Acacia")
    zone.streets.add(20750001)
    ParkingZone.objects.create(code="B", name="Church").streets.add(20750002)
    return zone


@pytest.fixture
def apply(catalogue, gazetteer, processes, zones):
    service = catalogue["apply-for-resident-parking-permit"]

    def make(vrm="MD18 PET", *, uprn=IN_ZONE, paid=12000, start_in_days=5, resident=None):
        start = timezone.localdate() + dt.timedelta(days=start_in_days)
        content = b"%PDF-1.4 log book"
        log_book = Upload.objects.create(
            path=default_storage.save("uploads/test/v5c.pdf", ContentFile(content)),
            content_type="application/pdf",
            name="v5c.pdf",
            size=len(content),
            uploader=Upload.Uploader.RESIDENT,
        )
        case = case_create(
            actor=ResidentActor(resident=resident),
            service=service,
            channel=Channel.WEB,
            resident=resident,
            answers={
                "address": uprn,
                "name": "Ada Lovelace",
                "vehicle_registration": vrm,
                "emissions_band": "from_101_to_150",
                "log_book": str(log_book.pk),
                "start_date": start.isoformat(),
                "email": "ada@example.org",
            },
        )
        if paid:
            Payment.objects.create(
                service=service,
                form_token=f"t{case.pk}",
                amount_pence=paid,
                reference=f"PAY-{case.pk}",
                description=service.name,
                state=PayState.SUCCESS,
                case=case,
            )
        instance = start_process(
            key="resident-parking-permit", case=case, actor=SYSTEM, data={"answers": case.answers}
        )
        instance.refresh_from_db()
        case.refresh_from_db()
        return case, instance

    return make


def _told(case) -> str:
    return case.events.filter(is_public=True).order_by("-at", "-id").first().text


def _waiting(instance, step_id):
    return ProcessStep.objects.get(instance=instance, step_id=step_id, state=StepState.WAITING)


@pytest.mark.django_db
def test_a_permit_is_issued_and_the_renewal_reminder_comes_once(apply):
    case, instance = apply("md18 pet")
    permit = ParkingPermit.objects.get(case=case)
    start = timezone.localdate() + dt.timedelta(days=5)
    assert (permit.vrm, permit.zone.code, permit.band, permit.price_pence) == (
        "MD18PET",
        "A",
        "from_101_to_150",
        12000,
    )
    assert (permit.make, permit.colour, permit.co2_emissions) == ("FORD", "BLUE", 128)
    assert permit.valid_from == start
    assert permit.valid_to == start.replace(year=start.year + 1) - dt.timedelta(days=1)
    assert re.fullmatch(r"RP\d{8}", permit.number)
    assert case.status == Status.CLOSED
    assert f"Your resident parking permit {permit.number} is ready" in _told(case)
    assert "vehicle MD18PET in zone A" in _told(case)
    assert instance.status == InstanceStatus.WAITING and instance.next_timer_at is not None

    due = permit.valid_to - dt.timedelta(days=28)
    assert timezone.localdate(instance.next_timer_at) == due
    later = instance.next_timer_at + dt.timedelta(minutes=1)
    assert sweep_timers(now=later - dt.timedelta(days=1)) == 0
    assert sweep_timers(now=later) == 1
    assert sweep_timers(now=later) == 0  # the timer fires once: a second sweep does nothing
    assert sweep_timers(now=later + dt.timedelta(days=3)) == 0
    reminders = case.events.filter(is_public=True, text__contains="apply for a new permit")
    assert reminders.count() == 1
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    saved = sum(instance.steps.values_list("minutes_saved", flat=True))
    assert saved == 2 + 4 + 2 + 1 + 5 + 2  # every automated step, no one's time used


@pytest.mark.django_db
def test_an_address_in_no_zone_is_refused_and_refunded(apply, parking_officer):
    case, instance = apply(uprn=NO_ZONE)
    assert case.status == Status.CLOSED
    assert "not in a controlled parking zone" in _told(case)
    assert "We will refund the £120 you paid within 5 working days." in _told(case)
    assert not ParkingPermit.objects.exists()
    assert not instance.steps.filter(step_id="check_vehicle").exists()  # DVLA not asked
    refund = _waiting(instance, "permit_refund")
    assert refund.team == "parking"
    complete_task(step=refund, actor=StaffActor(parking_officer), answers={})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


@pytest.mark.django_db
def test_a_registration_the_dvla_does_not_know_is_corrected_by_an_officer(apply, parking_officer):
    case, instance = apply(ves.SANDBOX_NOT_FOUND, paid=6000)
    check = _waiting(instance, "permit_vehicle_check")
    assert check.team == "parking" and case.status == Status.NEW
    complete_task(
        step=check,
        actor=StaffActor(parking_officer),
        answers={"vehicle_decision": "retry", "vehicle_registration": "LO21 HYB"},
    )
    permit = ParkingPermit.objects.get(case=case)
    assert (permit.vrm, permit.price_pence, permit.band) == ("LO21HYB", 6000, "up_to_100")


@pytest.mark.django_db
def test_a_registration_the_dvla_does_not_know_can_be_refused(apply, parking_officer):
    case, instance = apply(ves.SANDBOX_NOT_FOUND)
    complete_task(
        step=_waiting(instance, "permit_vehicle_check"),
        actor=StaffActor(parking_officer),
        answers={"vehicle_decision": "refuse"},
    )
    case.refresh_from_db()
    assert "could not find the vehicle registration number" in _told(case)
    assert _waiting(instance, "permit_refund")


@pytest.mark.django_db
@pytest.mark.parametrize("entered", ["!!!", "AB12 CDE!", "12345678"])
def test_input_that_cannot_be_a_registration_is_not_sent_and_nothing_is_lost(apply, entered):
    case, instance = apply(entered)
    check = _waiting(instance, "permit_vehicle_check")
    assert case.answers["vehicle_registration"] == entered  # kept as the resident wrote it
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING and not instance.error
    with pytest.raises(ves.BadRegistration, match="as it is on the number plate"):
        ves.normalise_vrm(entered)
    assert check.name == "Check the registration number against the log book"


@pytest.mark.django_db
@pytest.mark.parametrize(("decision", "issued"), [("issue", True), ("refuse", False)])
def test_paying_for_a_lower_band_than_the_dvla_holds_asks_an_officer(
    apply, parking_officer, decision, issued
):
    case, instance = apply("BG17 DSL", paid=12000)  # 178 g/km: the £180 band
    check = _waiting(instance, "permit_price_check")
    data = json.loads(instance.state)  # the officer sees both figures on the task
    assert '"paid_pence": 12000' in instance.state and '"price_pence": 18000' in instance.state
    assert data
    complete_task(
        step=check, actor=StaffActor(parking_officer), answers={"price_decision": decision}
    )
    case.refresh_from_db()
    assert ParkingPermit.objects.filter(case=case).exists() is issued
    if not issued:
        assert "higher price band than the one you paid for" in _told(case)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("vrm", "band", "price"),
    [
        ("EV19ZAP", "up_to_100", 6000),
        ("XL15SUV", "over_200", 24000),
        ("K123ABC", "over_200", 24000),
    ],
)
def test_the_price_follows_the_dvlas_co2_figure(apply, vrm, band, price):
    case, _instance = apply(vrm, paid=price)
    permit = ParkingPermit.objects.get(case=case)
    assert (permit.band, permit.price_pence) == (band, price)


@pytest.mark.django_db
def test_new_prices_apply_to_permits_starting_on_or_after_their_date(apply, admin):
    table = DecisionTable.objects.get(key="permit_price", is_current=True)
    change = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    rules = re.findall(r'<rule id="r(?:6|7|8|9|10)">.*?</rule>', table.dmn, flags=re.S)
    new_rules = []
    for rule in rules:
        rule = rule.replace('"2025-04-01"', f'"{change}"').replace('id="r', 'id="n')
        for old, new in (("6000", "6600"), ("12000", "13200"), ("18000", "19800")):
            rule = re.sub(f"<text>{old}</text>", f"<text>{new}</text>", rule)
        rule = re.sub(r"<text>24000</text>", "<text>26400</text>", rule)
        new_rules.append(rule)
    dmn = table.dmn.replace('"9999-12-31"', f'"{change}"').replace(
        "</decisionTable>", "".join(new_rules) + "</decisionTable>"
    )
    save_decision_table(
        key=table.key, name=table.name, dmn=dmn, actor=StaffActor(admin), reason="New prices"
    )
    before, _ = apply(start_in_days=5, paid=12000)
    after, _ = apply(start_in_days=25, paid=13200)
    assert ParkingPermit.objects.get(case=before).price_pence == 12000
    assert ParkingPermit.objects.get(case=after).price_pence == 13200


@pytest.mark.django_db
def test_the_dvla_down_fails_the_step_visibly_and_a_retry_finishes_it(
    apply, parking_officer, settings
):
    settings.DVLA_VES_SANDBOX = False
    settings.DVLA_VES_API_KEY = ""
    settings.DVLA_VES_BASE_URL = "http://127.0.0.1:9"  # nothing listens: connection refused
    settings.DVLA_VES_TIMEOUT_SECONDS = 2
    case, instance = apply()
    assert instance.status == InstanceStatus.FAILED
    assert instance.error == "DVLA_VES_API_KEY is not set: the vehicle check cannot run"

    settings.DVLA_VES_API_KEY = "a-key-from-the-dvla"
    retry(instance=instance, actor=StaffActor(parking_officer))
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.FAILED
    assert instance.error == ("The DVLA vehicle enquiry service did not answer: ConnectionError")
    step = ProcessStep.objects.get(instance=instance, step_id="check_vehicle")
    assert step.state == StepState.FAILED and "did not answer" in step.error
    assert case.status == Status.NEW and not ParkingPermit.objects.exists()

    settings.DVLA_VES_SANDBOX = True
    settings.DVLA_VES_API_KEY = ""
    settings.DVLA_VES_BASE_URL = "http://testserver/sandbox/dvla-ves"
    retry(instance=instance, actor=StaffActor(parking_officer))
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING  # issued; the renewal timer waits
    assert ParkingPermit.objects.get(case=case).vrm == "MD18PET"


@pytest.mark.django_db
def test_the_sandbox_answering_503_is_the_service_down(apply):
    _case, instance = apply(ves.SANDBOX_DOWN)
    assert instance.status == InstanceStatus.FAILED
    assert "answered 503" in instance.error


@pytest.mark.django_db
def test_the_vehicle_enquiry_sandbox_speaks_the_dvlas_api_over_http(client, settings):
    settings.DVLA_VES_SANDBOX = True
    url = "/sandbox/dvla-ves/vehicle-enquiry/v1/vehicles"
    key = {"HTTP_X_API_KEY": ves.SANDBOX_KEY}

    def post(body, **headers):
        return client.post(url, data=json.dumps(body), content_type="application/json", **headers)

    found = post({"registrationNumber": "MD18PET"}, **key)
    assert found.status_code == 200 and found["X-Borough-Sandbox"].startswith("DVLA")
    assert found.json()["co2Emissions"] == 128 and found.json()["make"] == "FORD"
    missing = post({"registrationNumber": "NF00NOT"}, **key)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["title"] == "Vehicle Not Found"
    bad = post({"registrationNumber": "AB 12"}, **key)
    assert bad.status_code == 400 and "Invalid format" in bad.json()["errors"][0]["detail"]
    assert post({"registrationNumber": "MD18PET"}, HTTP_X_API_KEY="wrong").status_code == 403
    settings.DVLA_VES_SANDBOX = False
    assert post({"registrationNumber": "MD18PET"}, **key).status_code == 404


def test_the_client_sends_the_dvlas_request_shape():
    sent = {}

    class Session:
        def post(self, url, json, headers, timeout):
            sent.update(url=url, json=json, headers=headers)
            import requests

            response = requests.Response()
            response.status_code = 200
            response._content = b'{"registrationNumber": "AB12CDE", "co2Emissions": 99}'
            return response

    vehicle = ves.VesClient("https://ves.example/", "k3y", session=Session()).vehicle("ab12 cde")
    assert sent == {
        "url": "https://ves.example/vehicle-enquiry/v1/vehicles",
        "json": {"registrationNumber": "AB12CDE"},
        "headers": {"x-api-key": "k3y", "Accept": "application/json"},
    }
    assert vehicle.co2_emissions == 99 and vehicle.make == ""


@pytest.mark.django_db
def test_the_resident_sees_their_permit_and_officers_check_it_by_registration(
    apply, client, staff_login, parking_officer, waste_officer
):
    from borough.core.models import AuditEvent
    from tests.factories import ResidentFactory, ResidentUserFactory

    resident = ResidentFactory(user=ResidentUserFactory(email="ama@example.com"))
    case, _instance = apply(resident=resident, start_in_days=0)
    permit = ParkingPermit.objects.get(case=case)
    client.force_login(resident.user)
    page = client.get("/my-account/").content.decode()
    assert f"Permit {permit.number}" in page and "MD18PET (Blue Ford)" in page
    assert "A (Acacia)" in page
    client.logout()

    url = "/hub/parking-permits/"
    staff_login(client, waste_officer)
    assert client.get(url, {"vrm": "MD18PET"}).status_code == 403
    client.logout()
    staff_login(client, parking_officer)
    page = client.get(url, {"vrm": "md18 pet"}).content.decode()
    assert "MD18PET has a permit" in page and "Zone A until" in page
    assert case.reference in page and resident.last_name not in page
    audit = AuditEvent.objects.filter(object_type="parking_permit", object_id="MD18PET")
    assert audit.count() == 1
    none = client.get(url, {"vrm": "ZZ99ZZZ"}).content.decode()
    assert "ZZ99ZZZ has no resident permit valid today" in none
    bad = client.get(url, {"vrm": "not a plate!"})
    assert bad.status_code == 400
    assert "Enter the registration number as it is on the number plate" in bad.content.decode()


@pytest.mark.django_db
def test_an_officer_settles_a_price_difference_on_the_hubs_task_page(
    apply, client, staff_login, parking_officer
):
    case, instance = apply("BG17 DSL", paid=12000)
    step = _waiting(instance, "permit_price_check")
    staff_login(client, parking_officer)
    url = f"/hub/processes/tasks/{step.pk}/"
    page = client.get(url).content.decode()
    assert "Price for that band (from_151_to_200): £180" in page and "Paid: £120" in page
    wrong = client.post(url, {"price_decision": "maybe"})
    assert wrong.status_code == 400 and "Enter issue or refuse" in wrong.content.decode()
    client.post(url, {"price_decision": "issue"})
    assert ParkingPermit.objects.get(case=case).price_pence == 18000


@pytest.mark.django_db
def test_an_officer_corrects_a_registration_on_the_hubs_task_page(
    apply, client, staff_login, parking_officer
):
    case, instance = apply(ves.SANDBOX_NOT_FOUND)
    step = _waiting(instance, "permit_vehicle_check")
    staff_login(client, parking_officer)
    url = f"/hub/processes/tasks/{step.pk}/"
    assert "the DVLA has no such vehicle" in client.get(url).content.decode()
    bad = client.post(url, {"vehicle_decision": "retry", "vehicle_registration": "??"})
    assert bad.status_code == 400 and "as it is on the number plate" in bad.content.decode()
    assert _waiting(instance, "permit_vehicle_check")  # nothing was lost
    client.post(url, {"vehicle_decision": "retry", "vehicle_registration": "md18 pet"})
    assert ParkingPermit.objects.get(case=case).vrm == "MD18PET"


@pytest.mark.django_db
def test_the_band_page_the_payment_and_the_permit_take_one_price(client, apply, admin, settings):
    """The prices live in the ``permit_price`` table alone: the band question shows them, the
    payment takes them and the process prices the permit from them, before and after an
    administrator saves new prices in the hub."""
    from tests.payments.conftest import fill_form

    settings.GOVUK_PAY_SANDBOX_WEBHOOKS = False
    service = Service.objects.get(slug="apply-for-resident-parking-permit")
    band_page = "/services/apply-for-resident-parking-permit/questions/emissions_band/"

    def charged() -> int:
        check = fill_form(
            client, service, {"emissions_band": {"emissions_band": "from_151_to_200"}}
        )
        page = client.get(band_page).content.decode()
        client.post(check)
        return page, Payment.objects.latest("created_at").amount_pence

    page, paid = charged()
    assert paid == 18000 and "£180" in page and "£60" in page and "£240" in page
    case, instance = apply("BG17 DSL", paid=paid)  # 178 g/km: the DVLA agrees with the band
    assert ParkingPermit.objects.get(case=case).price_pence == paid
    assert not ProcessStep.objects.filter(instance=instance, step_id="permit_price_check").exists()

    table = DecisionTable.objects.get(key="permit_price", is_current=True)
    save_decision_table(
        key=table.key,
        name=table.name,
        dmn=table.dmn.replace("<text>18000</text>", "<text>19800</text>"),
        actor=StaffActor(admin),
        reason="New prices",
    )
    page, paid = charged()
    assert paid == 19800 and "£198" in page and "£180" not in page
    case, instance = apply("BG17 DSL", paid=paid)
    assert ParkingPermit.objects.get(case=case).price_pence == 19800
    assert not ProcessStep.objects.filter(instance=instance, step_id="permit_price_check").exists()
