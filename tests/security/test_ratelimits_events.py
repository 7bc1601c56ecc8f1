"""Issue 16: every refused access is a security event: one JSON line on the
``borough.security`` logger to alert on, and a row operators read in the admin. No personal
data in either: the address hashed, the user by id, the page by its URL pattern."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from borough.assistant.models import Conversation
from borough.core.models import SecurityEvent
from tests.factories import PASSWORD, ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login

ADDRESS = "198.51.100.23"


@pytest.fixture
def security_log(caplog):
    """The security events logged, as the JSON the log handler writes."""
    caplog.set_level(logging.WARNING, logger="borough.security")
    handler = logging.getLogger().handlers[0]  # the JSON stdout handler from LOGGING

    def lines() -> list[dict]:
        return [
            json.loads(handler.format(record))
            for record in caplog.records
            if record.name == "borough.security"
        ]

    return lines


def _only_event(kind: str) -> SecurityEvent:
    event = SecurityEvent.objects.get()
    assert event.kind == kind
    return event


def _no_personal_data(event: SecurityEvent, line: dict, *secrets: str) -> None:
    stored = " ".join(str(v) for v in SecurityEvent.objects.values().get().values())
    for text in (stored, json.dumps(line)):
        assert ADDRESS not in text
        for secret in secrets:
            assert secret not in text
    assert event.address_hash and len(event.address_hash) == 16


@pytest.mark.django_db
def test_a_resident_refused_by_the_hub_is_a_permission_denied_event(security_log):
    resident = ResidentUserFactory()
    browser = Client(REMOTE_ADDR=ADDRESS)
    browser.force_login(resident)
    assert browser.get("/hub/").status_code == 403
    event = _only_event("permission_denied")
    assert (event.status, event.route, event.user_id) == (403, "/hub/", resident.pk)
    [line] = security_log()
    assert line["event"] == "permission_denied" and line["user_id"] == resident.pk
    assert line["level"] == "WARNING" and line["logger"] == "borough.security"
    _no_personal_data(event, line, resident.email)


@pytest.mark.django_db
def test_a_csrf_failure_is_an_event_and_signs_nobody_in(security_log):
    resident = ResidentUserFactory()
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS)
    response = browser.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session
    event = _only_event("csrf_failure")
    [line] = security_log()
    _no_personal_data(event, line, resident.email, PASSWORD)


@pytest.mark.django_db
def test_a_refused_rest_api_key_is_an_event(security_log):
    response = Client(REMOTE_ADDR=ADDRESS).get(
        "/api/v1/cases", HTTP_AUTHORIZATION="Bearer bk_not-a-real-key"
    )
    assert response.status_code == 401
    event = _only_event("api_key_refused")
    assert event.status == 401 and event.route.startswith("/api/v1/")
    [line] = security_log()
    _no_personal_data(event, line, "bk_not-a-real-key")


@pytest.mark.django_db
def test_a_refused_open311_key_is_an_event(security_log, catalogue):
    response = Client(REMOTE_ADDR=ADDRESS).post(
        "/open311/v2/requests.json",
        "api_key=not-a-real-key&service_code=missed-bin&lat=51.5&long=0",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403
    event = _only_event("api_key_refused")
    assert event.route.startswith("/open311/")
    [line] = security_log()
    _no_personal_data(event, line, "not-a-real-key")


@pytest.mark.django_db
def test_a_429_from_borough_limits_is_an_event_and_starts_nothing(settings, security_log):
    settings.BOROUGH_RATE_LIMITS = {**settings.BOROUGH_RATE_LIMITS, "chat-start": "1/h"}
    browser = Client(REMOTE_ADDR=ADDRESS)
    browser.post("/chat/api/conversations/", "{}", content_type="application/json")
    refused = browser.post("/chat/api/conversations/", "{}", content_type="application/json")
    assert refused.status_code == 429
    assert Conversation.objects.count() == 1
    event = _only_event("rate_limited")
    assert event.route == "/chat/api/conversations/"
    [line] = security_log()
    _no_personal_data(event, line)


@pytest.mark.django_db
def test_allauth_rate_limits_are_sign_in_events(settings, security_log):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    resident = ResidentUserFactory()
    browser = Client(REMOTE_ADDR=ADDRESS)
    browser.post("/account/login/", {"login": resident.email, "password": "wrong"})
    refused = browser.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert refused.status_code == 429 and "_auth_user_id" not in browser.session
    event = _only_event("sign_in_rate_limited")
    [line] = security_log()
    _no_personal_data(event, line, resident.email, PASSWORD)


@pytest.mark.django_db
def test_allauth_failed_sign_in_limit_on_the_form_is_an_event(settings, security_log):
    settings.AXES_FAILURE_LIMIT = 50
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "10/m/ip,2/5m/key",
    }
    resident = ResidentUserFactory()
    browser = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(2):
        browser.post("/account/login/", {"login": resident.email, "password": "wrong"})
    assert not SecurityEvent.objects.exists()
    refused = browser.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert "too many times" in refused.content.decode()
    assert "_auth_user_id" not in browser.session
    event = _only_event("sign_in_rate_limited")
    assert event.detail == "too_many_login_attempts"
    [line] = security_log()
    _no_personal_data(event, line, resident.email, PASSWORD)


@pytest.mark.django_db
def test_an_axes_lockout_is_one_lockout_event(settings, security_log):
    settings.AXES_FAILURE_LIMIT = 2
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "100/m/ip,100/5m/key",
    }
    resident = ResidentUserFactory()
    browser = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(2):
        browser.post("/account/login/", {"login": resident.email, "password": "wrong"})
    locked = browser.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in browser.session
    assert {e.kind for e in SecurityEvent.objects.all()} == {"lockout"}
    assert all(line["event"] == "lockout" for line in security_log())
    _no_personal_data(SecurityEvent.objects.first(), security_log()[0], resident.email)


@pytest.mark.django_db
def test_a_flood_logs_every_refusal_but_stores_one_row_a_minute(security_log):
    resident = ResidentUserFactory()
    browser = Client(REMOTE_ADDR=ADDRESS)
    browser.force_login(resident)
    for _ in range(5):
        assert browser.get("/hub/").status_code == 403
    assert SecurityEvent.objects.count() == 1
    lines = security_log()
    assert len(lines) == 5
    assert [line["stored"] for line in lines] == [True, False, False, False, False]


@pytest.mark.django_db
def test_operators_read_events_in_the_admin_and_cannot_change_them(client):
    resident = ResidentUserFactory()
    other = Client(REMOTE_ADDR=ADDRESS)
    other.force_login(resident)
    other.get("/hub/")
    superuser = StaffFactory(is_staff=True, is_superuser=True)
    staff_login(client, superuser)
    listing = client.get("/admin/core/securityevent/")
    assert listing.status_code == 200
    assert "Permission denied (403)" in listing.content.decode()
    event = SecurityEvent.objects.get()
    assert client.post(f"/admin/core/securityevent/{event.pk}/delete/").status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    # The refused deletion is itself an event.
    assert SecurityEvent.objects.filter(user_id=superuser.pk, kind="permission_denied").exists()
