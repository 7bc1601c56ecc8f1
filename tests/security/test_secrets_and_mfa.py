"""Issue 16, points 7 and 8, over HTTP: a hostile client cannot set up a staff member's
authenticator app without an administrator's link for that account, cannot send itself a link,
and the secrets Borough keeps are not readable in the database. Each test checks the refusal
and that nothing was written."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection

from borough.accounts.enrolment import mfa_enrolment_link_send
from borough.accounts.mfa import totp_code_now
from borough.accounts.models import MfaEnrolmentLink
from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from borough.integrations.models import WebhookSubscription
from tests.factories import PASSWORD, ResidentUserFactory
from tests.signing_in import TEST_TOTP_SECRET

pytestmark = pytest.mark.django_db


def _password_only(client, user) -> None:
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_stolen_password_cannot_set_up_an_authenticator_app(client, waste_officer):
    _password_only(client, waste_officer)
    response = client.get("/account/2fa/totp/activate/")
    assert response.status_code == 403
    assert "totp-secret" not in response.content.decode()
    assert "Ask an administrator" in response.content.decode()
    response = client.post("/account/2fa/totp/activate/", {"code": totp_code_now(TEST_TOTP_SECRET)})
    assert response.status_code == 403
    assert not Authenticator.objects.exists()
    # Nor recovery codes, which would be a second factor of the attacker's own.
    client.post("/account/2fa/recovery-codes/generate/")
    assert not Authenticator.objects.exists()


def test_someone_elses_link_does_not_open_set_up(client, admin, waste_officer, agent):
    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    _password_only(client, agent)  # the attacker's own account, and the victim's link
    assert client.get(_path(url)).status_code == 403
    assert client.get("/account/2fa/totp/activate/").status_code == 403
    response = client.post("/account/2fa/totp/activate/", {"code": "123456"})
    assert response.status_code == 403
    assert not Authenticator.objects.exists()
    assert MfaEnrolmentLink.objects.get().used_at is None


def test_a_guessed_link_is_not_found_and_opens_nothing(client, waste_officer):
    _password_only(client, waste_officer)
    response = client.get("/account/2fa/set-up-link/" + "A" * 43 + "/")
    assert response.status_code == 404
    assert client.get("/account/2fa/totp/activate/").status_code == 403
    assert not Authenticator.objects.exists()


def test_staff_who_are_not_admins_cannot_send_links(
    client, waste_officer, agent, staff_login, mailoutbox
):
    staff_login(client, agent)
    assert client.get("/hub/staff-sign-in/").status_code == 403
    response = client.post(f"/hub/staff-sign-in/{waste_officer.pk}/set-up-link/")
    assert response.status_code == 403
    assert not MfaEnrolmentLink.objects.exists() and not mailoutbox
    assert not AuditEvent.objects.filter(object_type="mfa_enrolment_link").exists()


def test_an_admin_cannot_send_a_link_to_themselves_or_to_a_resident(
    client, admin, staff_login, mailoutbox
):
    staff_login(client, admin)
    Authenticator.objects.filter(user=admin).delete()  # as if they lost it, but still signed in
    response = client.post(f"/hub/staff-sign-in/{admin.pk}/set-up-link/")
    assert response.status_code == 403
    resident = ResidentUserFactory()
    response = client.post(f"/hub/staff-sign-in/{resident.pk}/set-up-link/")
    assert response.status_code == 404
    assert client.get(f"/hub/staff-sign-in/{admin.pk}/set-up-link/").status_code == 405
    assert not MfaEnrolmentLink.objects.exists() and not mailoutbox


def test_a_resident_cannot_reach_staff_sign_in(client, waste_officer):
    resident = ResidentUserFactory()
    client.force_login(resident)
    assert client.get("/hub/staff-sign-in/").status_code == 403
    response = client.post(f"/hub/staff-sign-in/{waste_officer.pk}/set-up-link/")
    assert response.status_code == 403
    assert not MfaEnrolmentLink.objects.exists()


def test_a_webhook_secret_made_in_the_hub_is_not_in_the_database_row(
    client, admin, staff_login, new_api_client
):
    api_client = new_api_client().client
    staff_login(client, admin)
    response = client.post(
        "/hub/webhooks/new/",
        {
            "client": api_client.pk,
            "target_url": "https://receiver.example/hook",
            "event_types": ["case.created"],
        },
    )
    secret = re.search(r"whsec_[A-Za-z0-9+/=_-]+", response.content.decode()).group(0)
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_webhooksubscription")
        assert secret not in str(cursor.fetchall())
