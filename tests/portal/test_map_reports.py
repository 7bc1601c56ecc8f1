"""Reporting on a map, reports nearby, "this is my problem too", public report pages and alerts
(issue 25), as a browser without JavaScript sees them (the map's form is an ordinary POST)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from borough.cases.alerts import alert_token, alerts_for
from borough.cases.models import Alert, Case, CaseEvent, Supporter
from borough.cases.workflow import case_add_note
from borough.core.actors import StaffActor
from borough.notify.models import Message
from borough.portal.bin_days import webcal_url

START = "/services/report-pothole/"
Q = START + "questions/"
# Acacia Avenue (USRN 20750001) in the test gazetteer, a few metres from number 2.
PIN = {"latitude": "51.545260", "longitude": "-0.478690"}


def _pothole_answers(client, *, size="small"):
    client.post(Q + "where_on_street/", {"where_on_street": "road"})
    client.post(Q + "size/", {"size": size})
    client.post(Q + "depth/", {"depth": ""})
    client.post(Q + "photo/", {})
    response = client.post(START + "check-answers/")
    assert response["Location"] == START + "confirmation/", response
    return Case.objects.order_by("-pk").first()


def report_by_pin(client, pin=PIN, description=""):
    client.post(START)
    response = client.post(Q + "location/", {"step": "pin", **pin})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(Q + "location/").content.decode()
    chosen = re.search(r'name="location-pin" value="([^"]+)"', page).group(1)
    client.post(
        Q + "location/",
        {
            "step": "answer",
            "location": "usrn:20750001",
            "location-pin": chosen,
            "location-description": description,
        },
    )
    return _pothole_answers(client)


@pytest.fixture
def pothole(catalogue, gazetteer):
    service = catalogue["report-pothole"]
    assert not service.is_private
    return service


@pytest.mark.django_db
def test_a_pin_snaps_to_the_nearest_street_and_the_case_keeps_the_pins_point(client, pothole):
    case = report_by_pin(client)
    assert case.street_id == 20750001
    assert (float(case.latitude), float(case.longitude)) == (51.54526, -0.47869)
    assert case.answers["location"]["usrn"] == 20750001
    assert case.location_description == ""  # a pin says where: describing it is optional


@pytest.mark.django_db
def test_a_pin_far_from_any_street_is_refused_on_the_postcode_page(client, pothole):
    client.post(START)
    response = client.post(
        Q + "location/", {"step": "pin", "latitude": "52.9", "longitude": "-1.2"}
    )
    assert response.status_code == 400
    assert "The pin is not near a street we look after" in response.content.decode()
    bad = client.post(Q + "location/", {"step": "pin", "latitude": "x", "longitude": ""})
    assert "Drop a pin on the map, or enter a postcode" in bad.content.decode()


@pytest.mark.django_db
def test_the_postcode_route_gives_the_same_street_and_shows_reports_nearby(client, pothole):
    first = report_by_pin(Client())
    client.post(START)
    client.post(Q + "location/", {"step": "postcode", "postcode": "UB8 1QA"})
    page = client.get(Q + "location/").content.decode()
    assert "Reports nearby" in page
    assert f"/reports/{first.reference}/" in page
    assert "This is my problem too" in page
    client.post(
        Q + "location/",
        {"step": "answer", "location": "usrn:20750001", "location-description": "By number 2"},
    )
    second = _pothole_answers(client)
    assert second.street_id == first.street_id
    assert second.latitude is None  # no pin: the street only, as before


@pytest.mark.django_db
def test_supporting_a_report_adds_the_resident_once_instead_of_a_duplicate(client, pothole):
    first = report_by_pin(Client(), description="Outside my house at 2 Acacia Avenue")
    before = Case.objects.count()
    url = f"/reports/{first.reference}/support/"
    assert client.post(url).status_code == 302
    client.post(url)  # twice is still one supporter
    assert Case.objects.count() == before
    assert Supporter.objects.filter(case=first).count() == 1
    assert first.events.filter(kind=CaseEvent.Kind.SUPPORTED, is_public=False).count() == 1
    page = client.get(f"/reports/{first.reference}/").content.decode()
    assert "Thank you: we have added you to report" in page
    assert re.search(r"People with the same problem</dt>\s*<dd[^>]*>1<", page)
    # Nothing personal on the public page: not the resident's words about where it is.
    assert "Outside my house" not in page
    assert "Acacia Avenue" in page  # the street is public


@pytest.mark.django_db
def test_a_private_services_case_has_no_public_page(client, make_case):
    case = make_case()
    assert client.get(f"/reports/{case.reference}/").status_code == 404
    assert client.post(f"/reports/{case.reference}/support/").status_code == 404


@pytest.mark.django_db
def test_an_alert_subscriber_confirms_gets_the_update_and_unsubscribes_in_one_click(
    client, pothole, admin, django_capture_on_commit_callbacks
):
    case = report_by_pin(Client())
    response = client.post(
        f"/reports/{case.reference}/alerts/", {"kind": "area-500", "email": "nextdoor@example.com"}
    )
    assert "Check your email" in response.content.decode()
    alert = Alert.objects.get()
    assert alert.confirmed_at is None and alerts_for(case) == []
    confirm = Message.objects.get(template="alert_confirm").body
    link = re.search(r"http://\S+/alerts/confirm/\S+/", confirm).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.get("/" + path)  # opening the link (a mail scanner) starts nothing
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    client.post("/" + path)
    alert.refresh_from_db()
    assert alert.confirmed_at is not None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_add_note(case=case, text="Inspected today", public=True, actor=StaffActor(user=admin))
    update = [m for m in mail.outbox if m.to == ["nextdoor@example.com"]]
    assert len(update) == 1
    assert f"/reports/{case.reference}/" in update[0].body
    assert "Inspected today" not in update[0].body  # an update's text is not public
    unsubscribe = update[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert update[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail client POSTs with no cookie and no CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        "/" + unsubscribe.split("://", 1)[1].split("/", 1)[1],
        {"List-Unsubscribe": "One-Click"},
    )
    assert one_click.status_code == 200
    alert.refresh_from_db()
    assert alert.ended_at is not None and alerts_for(case) == []


@pytest.mark.django_db
def test_alert_links_that_are_tampered_or_for_another_purpose_do_nothing(client, pothole):
    case = report_by_pin(Client())
    client.post(f"/reports/{case.reference}/alerts/", {"kind": "street", "email": "a@example.com"})
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.STREET and alert.street_id == 20750001
    confirm = alert_token(alert, "confirm")
    assert client.post(f"/alerts/stop/{confirm}/").status_code == 404  # not an unsubscribe link
    assert client.post(f"/alerts/confirm/{confirm[:-2]}xx/").status_code == 404
    alert.refresh_from_db()
    assert alert.ended_at is None and alert.confirmed_at is None


@pytest.mark.django_db
def test_bad_alert_input_is_refused_with_a_clear_error_and_kept(client, pothole):
    case = report_by_pin(Client())
    response = client.post(
        f"/reports/{case.reference}/alerts/", {"kind": "report", "email": "not an address"}
    )
    page = response.content.decode()
    assert "Enter an email address in the correct format" in page
    assert 'value="not an address"' in page
    response = client.post(
        f"/reports/{case.reference}/alerts/", {"kind": "area-7", "email": "a@example.com"}
    )
    assert "Choose how far around the place to follow" in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_residents_own_address_starts_at_once(client, pothole, django_user_model):
    user = django_user_model.objects.create_user(email="res@example.com", password="x" * 12)
    client.force_login(user)
    case = report_by_pin(Client())
    response = client.post(
        f"/reports/{case.reference}/alerts/", {"kind": "report", "email": "res@example.com"}
    )
    assert "You will get emails about these reports" in response.content.decode()
    assert Alert.objects.get().confirmed_at is not None
    assert not Message.objects.filter(template="alert_confirm").exists()


@pytest.mark.django_db
def test_bin_days_offer_a_webcal_subscription_that_refreshes(client, gazetteer, settings):
    settings.SITE_URL = "https://council.example"
    assert webcal_url(100021500001) == (
        "webcal://council.example/bin-days/100021500001/calendar.ics"
    )
