"""Alerts by text message, ended by a STOP reply or a link, and following an area without a
report first (issue 25), as a browser without JavaScript sees them."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client

from borough.accounts.models import Role
from borough.cases.alerts import alerts_for
from borough.cases.models import Alert, CaseEvent
from borough.cases.workflow import case_add_note
from borough.core.actors import StaffActor
from borough.notify.models import Message, ReceivedText
from tests.factories import StaffFactory
from tests.portal.test_map_reports import report_by_pin

TOKEN = "callback-token-for-tests"


@pytest.fixture
def pothole(catalogue, gazetteer):
    return catalogue["report-pothole"]


@pytest.fixture
def texts_on(settings):
    """Messages kept in the outbox (as the Notify sandbox would send them): texts can go."""
    settings.BOROUGH_NOTIFY_PROVIDER = "outbox"
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    return settings


def _update(case, text="Inspected"):
    officer = StaffFactory(membership__team=case.team, membership__role=Role.OFFICER)
    case_add_note(case=case, text=text, public=True, actor=StaffActor(officer))


def _reply(client, number: str, message: str):
    payload = {
        "id": str(uuid.uuid4()),
        "source_number": number,
        "destination_number": "07700900999",
        "message": message,
        "date_received": "2026-12-07T10:00:00.000000Z",
    }
    return client.post(
        "/notify/callbacks/received-text/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )


@pytest.mark.django_db
def test_a_text_alert_is_confirmed_sent_and_ended_by_replying_stop(
    client, pothole, texts_on, django_capture_on_commit_callbacks
):
    case = report_by_pin(Client())
    page = client.get(f"/reports/{case.reference}/alerts/").content.decode()
    assert "Text message" in page and "UK mobile number" in page
    response = client.post(
        f"/reports/{case.reference}/alerts/",
        {"kind": "report", "channel": "sms", "phone": "07700 900982"},
    )
    assert "Check your phone" in response.content.decode()
    alert = Alert.objects.get()
    assert (alert.channel, alert.phone, alert.email, alert.confirmed_at) == (
        "sms",
        "+447700900982",
        "",
        None,
    )
    confirm = Message.objects.get(template="alert_confirm")
    assert (confirm.channel, confirm.to) == ("sms", "+447700900982")
    # Not confirmed yet: an update sends no text.
    with django_capture_on_commit_callbacks(execute=True):
        _update(case, "Booked")
    assert not Message.objects.filter(template="alert_update").exists()

    link = re.search(r"/alerts/confirm/\S+/", confirm.body).group(0)
    assert "Start the text messages" in client.get(link).content.decode()
    assert "Your text messages have started" in client.post(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _update(case)
    text = Message.objects.get(template="alert_update")
    assert (text.channel, text.to) == ("sms", "+447700900982")
    assert f"/reports/{case.reference}/" in text.body and "Reply STOP" in text.body
    assert "Inspected" in text.body or "Status:" in text.body
    assert re.search(r"/alerts/stop/\S+/", text.body)

    # The resident replies STOP (as +44...): the alert ends, and "STOP" is put on no request.
    with django_capture_on_commit_callbacks(execute=True):
        assert _reply(client, "447700900982", " Stop ").status_code == 200
    alert.refresh_from_db()
    assert alert.ended_at is not None
    assert ReceivedText.objects.get().case is None
    assert not case.events.filter(data__from_resident=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _update(case, "Fixed")
    assert Message.objects.filter(template="alert_update").count() == 1


@pytest.mark.django_db
def test_the_link_in_a_text_also_stops_it(client, pothole, texts_on):
    case = report_by_pin(Client())
    client.post(
        f"/reports/{case.reference}/alerts/",
        {"kind": "report", "channel": "sms", "phone": "+44 7700 900 123"},
    )
    from borough.cases.alerts import alert_token

    alert = Alert.objects.get()
    link = f"/alerts/stop/{alert_token(alert, 'end')}/"
    assert "Stop these text messages" in client.get(link).content.decode()
    assert "You will not get these text messages any more" in client.post(link).content.decode()
    alert.refresh_from_db()
    assert alert.ended_at is not None


@pytest.mark.django_db
def test_a_wrong_number_is_refused_and_kept_and_texts_are_not_offered_without_a_text_provider(
    client, pothole, texts_on, settings
):
    case = report_by_pin(Client())
    url = f"/reports/{case.reference}/alerts/"
    response = client.post(url, {"kind": "report", "channel": "sms", "phone": "01632 960001"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a UK mobile number, like 07700 900 982" in page
    assert 'value="01632 960001"' in page and not Alert.objects.exists()
    settings.BOROUGH_NOTIFY_PROVIDER = "email"  # SMTP only: email alerts only
    assert "UK mobile number" not in client.get(url).content.decode()
    response = client.post(url, {"kind": "report", "channel": "sms", "phone": "07700900982"})
    assert "We cannot send text messages at the moment" in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_stop_from_a_number_with_no_alerts_is_left_for_the_request_handlers(
    client, pothole, texts_on
):
    assert _reply(client, "447700900555", "STOP").status_code == 200
    assert ReceivedText.objects.get().message == "STOP"  # kept for staff, nothing ended


# ------------------------------------------------------------------ follow an area


@pytest.mark.django_db
def test_a_resident_follows_an_area_by_postcode_and_hears_of_a_new_report_there(
    client, pothole, django_capture_on_commit_callbacks
):
    page = client.get("/alerts/area/").content.decode()
    assert "Follow reports in an area" in page and 'name="postcode"' in page
    response = client.post(
        "/alerts/area/",
        {"postcode": "ub81qa", "radius": "500", "channel": "email", "email": "near@example.com"},
    )
    assert "Check your email" in response.content.decode()
    alert = Alert.objects.get()
    assert (alert.kind, alert.radius_metres, alert.case) == ("area", 500, None)
    confirm = Message.objects.get(template="alert_confirm", to="near@example.com")
    client.post(re.search(r"/alerts/confirm/\S+/", confirm.body).group(0))
    with django_capture_on_commit_callbacks(execute=True):
        case = report_by_pin(Client())
    assert alerts_for(case) == [alert]
    new = Message.objects.get(template="alert_update", to="near@example.com")
    assert "A new report was made" in new.body and f"/reports/{case.reference}/" in new.body
    assert case.events.filter(kind=CaseEvent.Kind.CREATED).exists()


@pytest.mark.django_db
def test_an_area_by_pin_for_a_signed_in_resident_starts_at_once(client, pothole, django_user_model):
    user = django_user_model.objects.create_user(email="resident@example.com", password="x" * 20)
    client.force_login(user)
    page = client.get("/alerts/area/").content.decode()
    assert 'value="resident@example.com"' in page
    response = client.post(
        "/alerts/area/",
        {
            "latitude": "51.545260",
            "longitude": "-0.478690",
            "postcode": "",
            "radius": "200",
            "channel": "email",
            "email": "resident@example.com",
        },
    )
    assert "You will get emails about these reports" in response.content.decode()
    alert = Alert.objects.get()
    assert (float(alert.latitude), float(alert.longitude)) == (51.54526, -0.47869)
    assert alert.confirmed_at is not None and alert.user == user


@pytest.mark.django_db
def test_an_area_without_a_place_or_distance_is_refused_clearly_and_kept(client, pothole):
    response = client.post("/alerts/area/", {"email": "near@example.com", "channel": "email"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a postcode, or drop a pin on the map" in page
    assert "Choose how far around the place to follow" in page
    assert 'value="near@example.com"' in page
    page = client.post("/alerts/area/", {"postcode": "SW1A 1AA", "radius": "200"}).content
    assert "We cannot find that postcode in our area" in page.decode()
    far = client.post(
        "/alerts/area/", {"latitude": "52.9", "longitude": "-1.2", "radius": "200"}
    ).content.decode()
    assert "The pin is not near a street we look after" in far
    assert not Alert.objects.exists()
