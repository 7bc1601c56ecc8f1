"""Issue 16: pages with personal data are never stored by browsers or proxies, staff are signed
out when idle, and sensitive staff actions need a fresh sign-in (nothing done before it)."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from borough.accounts.models import Team
from borough.clients.models import ApiClient, Scope
from borough.core.models import AuditEvent
from borough.integrations.models import WebhookSubscription
from tests.factories import PASSWORD, ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login

REAL_TIME = time.time


@pytest.fixture
def clock(monkeypatch):
    """``clock(minutes)``: move the clock this far ahead of real time."""

    def move(minutes: float) -> None:
        monkeypatch.setattr(time, "time", lambda: REAL_TIME() + minutes * 60)

    return move


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


# --- Cache-Control ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_pages_and_the_admin_are_never_stored(client, admin):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    staff_login(client, admin)
    for url in ("/hub/", "/hub/api-clients/", "/hub/webhooks/", "/admin/", "/admin/core/"):
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        assert _no_store(response), url


@pytest.mark.django_db
def test_resident_pages_chat_and_api_answers_are_never_stored(client, catalogue, new_api_client):
    resident = ResidentUserFactory()
    client.force_login(resident)
    assert client.get("/my-account/").status_code == 200
    assert _no_store(client.get("/my-account/"))
    # Even a public page, once someone is signed in: the header names them.
    assert _no_store(client.get("/"))
    anonymous = Client()
    assert _no_store(anonymous.get("/chat/"))
    assert _no_store(anonymous.get("/track/BO-NOPE/not-a-token/"))
    key = new_api_client().raw_key
    api = anonymous.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 200 and _no_store(api)
    refused = anonymous.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer wrong")
    assert refused.status_code == 401 and _no_store(refused)


@pytest.mark.django_db
def test_public_pages_stay_cacheable_until_a_session_exists(client, catalogue):
    for url in ("/", "/help/", "/services/report-missed-bin/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _no_store(response), url
    client.post("/services/report-missed-bin/")  # starting a form makes a session
    assert _no_store(client.get("/services/report-missed-bin/"))


# --- Staff idle timeout --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_idle_for_30_minutes_are_signed_out(client, clock, settings):
    settings.BOROUGH_STAFF_IDLE_MINUTES = 30
    officer = StaffFactory()
    staff_login(client, officer)
    assert client.get("/hub/").status_code == 200
    clock(29)
    assert client.get("/hub/").status_code == 200  # still working: 29 minutes is not idle
    clock(29 + 31)
    response = client.get("/hub/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/hub/")
    assert "_auth_user_id" not in client.session
    assert client.get("/hub/").status_code == 302


@pytest.mark.django_db
def test_an_idle_staff_members_post_does_nothing(client, clock, admin):
    staff_login(client, admin)
    client.get("/hub/")
    clock(31)
    response = client.post(
        "/hub/api-clients/new/", {"name": "Late", "scopes": [Scope.OPEN311_POST]}
    )
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_residents_keep_the_normal_session(client, clock):
    resident = ResidentUserFactory()
    client.force_login(resident)
    assert client.get("/my-account/").status_code == 200
    clock(120)
    assert client.get("/my-account/").status_code == 200


# --- Fresh sign-in before sensitive staff actions ----------------------------------------


def _sent_to_reauthenticate(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        "/account/reauthenticate/"
    )


@pytest.mark.django_db
def test_a_stale_session_reenters_the_password_before_an_api_key_is_made(client, clock, admin):
    staff_login(client, admin)
    clock(10)  # signed in 10 minutes ago: more than ACCOUNT_REAUTHENTICATION_TIMEOUT
    form = {"name": "FixMyStreet", "scopes": [Scope.OPEN311_POST], "rate_limit": "100/m"}
    response = client.post("/hub/api-clients/new/", form)
    assert _sent_to_reauthenticate(response)
    assert not ApiClient.objects.exists()
    reauthenticate = response["Location"]  # the page, with where to come back to
    wrong = client.post(reauthenticate, {"password": "not-my-password"})
    assert wrong.status_code == 200
    assert not ApiClient.objects.exists()
    done = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    # The request kept aside is carried out once, after the password.
    assert ApiClient.objects.get().name == "FixMyStreet"
    assert "FixMyStreet" in done.content.decode()


@pytest.mark.django_db
def test_a_fresh_sign_in_needs_no_password_again(client, admin):
    staff_login(client, admin)
    form = {"name": "FixMyStreet", "scopes": [Scope.OPEN311_POST], "rate_limit": "100/m"}
    assert client.post("/hub/api-clients/new/", form).status_code == 200
    assert ApiClient.objects.count() == 1


@pytest.mark.django_db
def test_stale_sessions_cannot_manage_keys_webhooks_or_connectors(
    client, clock, admin, new_api_client
):
    api_client = new_api_client(Scope.OPEN311_POST).client
    staff_login(client, admin)
    clock(10)
    deactivate = client.post(f"/hub/api-clients/{api_client.pk}/deactivate/")
    assert _sent_to_reauthenticate(deactivate)
    api_client.refresh_from_db()
    assert api_client.is_active
    webhook = client.post(
        "/hub/webhooks/new/",
        {
            "client": api_client.pk,
            "target_url": "https://backoffice.example/events",
            "event_types": ["case.created"],
        },
    )
    assert _sent_to_reauthenticate(webhook)
    assert not WebhookSubscription.objects.exists()
    assert _sent_to_reauthenticate(client.post("/hub/connectors/new/", {"name": "X"}))
    # Looking needs no password.
    assert client.get("/hub/webhooks/").status_code == 200


@pytest.mark.django_db
def test_stale_sessions_cannot_change_teams_or_roles_in_the_admin(client, clock):
    superuser = StaffFactory(is_staff=True, is_superuser=True)
    officer = StaffFactory()
    staff_login(client, superuser)
    assert client.get("/admin/accounts/team/add/").status_code == 200
    clock(10)
    added = client.post("/admin/accounts/team/add/", {"name": "Parking", "slug": "parking"})
    assert _sent_to_reauthenticate(added)
    assert not Team.objects.filter(slug="parking").exists()
    promoted = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        {"email": officer.email, "kind": "staff", "is_active": "on", "is_superuser": "on"},
    )
    assert _sent_to_reauthenticate(promoted)
    officer.refresh_from_db()
    assert not officer.is_superuser


@pytest.mark.django_db
def test_a_stale_session_cannot_download_single_view_data(client, clock):
    data_officer = StaffFactory(
        membership__team=Team.objects.get_or_create(slug="data", defaults={"name": "Data"})[0]
    )
    staff_login(client, data_officer)
    assert client.get("/hub/single-view/data-quality/").status_code == 200
    clock(10)
    assert client.get("/hub/single-view/data-quality/").status_code == 200
    download = client.get("/hub/single-view/data-quality/?download=duplicates")
    assert _sent_to_reauthenticate(download)
    assert not AuditEvent.objects.filter(action="exported").exists()
