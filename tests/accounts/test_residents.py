"""Residents make an account, confirm their email, sign in with a password or an emailed code,
reset a forgotten password, sign out, and may turn on an authenticator app."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from borough.accounts.mfa import totp_code_now
from borough.accounts.models import User
from tests.factories import PASSWORD, ResidentUserFactory

NEW_PASSWORD = "a-long-new-passphrase-2026"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _signed_in_as(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


@pytest.mark.django_db
def test_a_resident_registers_confirms_their_email_and_is_signed_in(client):
    response = client.post(
        "/account/signup/",
        {"email": "Amara@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    user = User.objects.get(email="amara@example.com")
    assert user.kind == User.Kind.RESIDENT
    assert _signed_in_as(client) is None  # not before the address is confirmed

    (message,) = mail.outbox
    assert message.to == ["amara@example.com"]
    page = client.get(_link(message)).content.decode()
    assert "Confirm that amara@example.com is your email address" in page
    response = client.post(_link(message))
    assert response.status_code == 302
    assert _signed_in_as(client) == user.pk
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_registration_errors_are_shown_with_a_summary_and_keep_the_email(client):
    response = client.post(
        "/account/signup/", {"email": "amara@example.com", "password1": "short", "password2": "x"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#id_password1">' in page
    assert 'value="amara@example.com"' in page
    assert "govuk-input--error" in page
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_email_address_already_registered_cannot_register_again(client):
    ResidentUserFactory(email="amara@example.com")
    client.post(
        "/account/signup/",
        {"email": "amara@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    # Nobody learns from the page whether the address has an account: the owner is emailed.
    assert User.objects.filter(email="amara@example.com").count() == 1
    assert mail.outbox and mail.outbox[0].to == ["amara@example.com"]


@pytest.mark.django_db
def test_a_resident_who_has_not_confirmed_their_email_cannot_sign_in(client):
    resident = ResidentUserFactory(saved__verified=False)
    response = client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/confirm-email/"
    assert _signed_in_as(client) is None
    assert mail.outbox[0].to == [resident.email]  # a new link is sent


@pytest.mark.django_db
def test_a_resident_signs_in_with_a_password_and_signs_out(client):
    resident = ResidentUserFactory()
    response = client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/my-account/"
    assert _signed_in_as(client) == resident.pk
    assert "Are you sure you want to sign out?" in client.get("/account/logout/").content.decode()
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert _signed_in_as(client) is None


@pytest.mark.django_db
def test_a_resident_signs_in_with_an_emailed_code(client):
    resident = ResidentUserFactory()
    response = client.post("/account/login/code/", {"email": resident.email})
    assert response.status_code == 302
    assert response["Location"] == "/account/login/code/confirm/"
    page = client.get(response["Location"]).content.decode()
    assert "Enter your sign-in code" in page
    (message,) = mail.outbox
    assert message.subject == "Your sign-in code"
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)

    response = client.post("/account/login/code/confirm/", {"code": "WRONG1"})
    assert "There is a problem" in response.content.decode()
    assert _signed_in_as(client) is None
    response = client.post("/account/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert _signed_in_as(client) == resident.pk


@pytest.mark.django_db
def test_a_resident_resets_a_forgotten_password(client):
    resident = ResidentUserFactory()
    response = client.post("/account/password/reset/", {"email": resident.email})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    response = client.get(_link(message))  # the key moves into the session
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_an_unknown_email_address_gets_the_same_reset_page(client):
    response = client.post("/account/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_resident_may_turn_on_an_authenticator_app_and_then_needs_it(client):
    resident = ResidentUserFactory()
    client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    page = client.get("/account/2fa/totp/activate/").content.decode()
    assert "Set up an authenticator app" in page
    secret = re.search(r'<code class="app-code" id="totp-secret">(\w+)</code>', page).group(1)
    response = client.post("/account/2fa/totp/activate/", {"code": "000000"})
    assert "There is a problem" in response.content.decode()
    response = client.post("/account/2fa/totp/activate/", {"code": totp_code_now(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    assert "Your recovery codes" in page
    recovery_code = re.search(r"<li><code>(\w+)</code></li>", page).group(1)

    client.post("/account/logout/")
    response = client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert response["Location"] == "/account/2fa/authenticate/"
    assert _signed_in_as(client) is None
    response = client.post("/account/2fa/authenticate/", {"code": recovery_code})
    assert response.status_code == 302
    assert _signed_in_as(client) == resident.pk


@pytest.mark.django_db
def test_an_empty_or_malformed_form_says_what_to_enter(client):
    page = client.post("/account/login/", {"login": "", "password": ""}).content.decode()
    assert "Enter your email address" in page and "Enter your password" in page
    assert "Forgot your password?" not in page  # the page has its own link
    page = client.post("/account/signup/", {"email": "not-an-email"}).content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "Create a password" in page
    page = client.post("/account/login/code/", {"email": ""}).content.decode()
    assert "Enter your email address" in page


@pytest.mark.django_db
def test_an_unknown_confirmation_link_says_what_to_do(client):
    page = client.get("/account/confirm-email/not-a-key/").content.decode()
    assert "This link has expired or has already been used" in page
    assert 'href="/account/login/">Sign in</a> and we will send you a new link' in page
