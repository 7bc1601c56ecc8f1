"""Signing in through an OpenID Connect provider (GOV.UK One Login in production), tested
against a provider started on 127.0.0.1 by the test."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.account.models import EmailAddress

from borough.accounts.models import User
from tests.factories import ResidentFactory

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalOIDCProvider, Person

PROVIDER_ID = "govuk-one-login"


@pytest.fixture
def provider(settings):
    running = LocalOIDCProvider(person=Person(sub="urn:fdc:gov.uk:2022:abc123", email="")).start()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "GOV.UK One Login",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "server_url": running.issuer,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "email"],
                        "oauth_pkce_enabled": True,
                    },
                }
            ]
        }
    }
    yield running
    running.stop()


def _sign_in_through(client, provider) -> object:
    """Go through the flow as a browser would; return the response to the callback."""
    page = client.get("/account/login/").content.decode()
    assert "Continue with GOV.UK One Login" in page
    start = f"/account/oidc/{PROVIDER_ID}/login/"
    assert "You will go to GOV.UK One Login to sign in" in client.get(start).content.decode()
    response = client.post(start)
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(f"{provider.issuer}/authorize?")
    # The provider signs the person in and sends the browser back with a code.
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    assert callback.path == f"/account/oidc/{PROVIDER_ID}/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_a_resident_signs_in_with_one_login_and_gets_an_account(client, provider):
    provider.person.email = "amara@example.com"
    response = _sign_in_through(client, provider)
    assert response.status_code == 302
    user = User.objects.get(email="amara@example.com")
    assert user.kind == User.Kind.RESIDENT
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified  # One Login checked it
    assert user.socialaccount_set.get().uid == "urn:fdc:gov.uk:2022:abc123"
    # PKCE and the client secret were used at the token endpoint.
    token_request = next(details for name, details in provider.requests if name == "token")
    assert token_request["client_secret"] == CLIENT_SECRET and token_request["code_verifier"]


@pytest.mark.django_db
def test_requests_made_with_the_one_login_email_become_the_residents(client, provider):
    resident = ResidentFactory(email="amara@example.com")
    provider.person.email = "amara@example.com"
    _sign_in_through(client, provider)
    resident.refresh_from_db()
    assert resident.user == User.objects.get(email="amara@example.com")


@pytest.mark.django_db
def test_signing_in_again_uses_the_same_account(client, provider):
    provider.person.email = "amara@example.com"
    _sign_in_through(client, provider)
    client.post("/account/logout/")
    _sign_in_through(client, provider)
    assert User.objects.count() == 1
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_leaving_one_login_without_signing_in_says_so(client, provider):
    authorize = client.post(f"/account/oidc/{PROVIDER_ID}/login/")["Location"]
    state = parse_qs(urlparse(authorize).query)["state"][0]
    response = client.get(
        f"/account/oidc/{PROVIDER_ID}/login/callback/?error=access_denied&state={state}",
        follow=True,
    )
    assert "You did not finish signing in" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_callback_that_does_not_match_the_sign_in_started_is_refused(client, provider):
    response = client.get(f"/account/oidc/{PROVIDER_ID}/login/callback/?code=forged&state=forged")
    assert "Sorry, we could not sign you in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


@pytest.fixture
def one_login(settings):
    """The local provider set up as GOV.UK One Login is in production: the service signs a
    client assertion with its private key (no client secret) and sends a nonce."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    service_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    running = LocalOIDCProvider(person=Person(sub="urn:fdc:gov.uk:2022:xyz", email="")).start()
    running.client_public_key = service_key.public_key()
    pem = service_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "govuk_one_login": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "GOV.UK One Login",
                    "client_id": CLIENT_ID,
                    "secret": "",
                    "settings": {
                        "server_url": running.issuer,
                        "token_auth_method": "private_key_jwt",
                        "private_key": pem,
                        "private_key_id": "service-key-1",
                        "scope": ["openid", "email"],
                        "oauth_pkce_enabled": True,
                        "vtr": '["Cl.Cm"]',
                    },
                }
            ]
        }
    }
    yield running
    running.stop()


@pytest.mark.django_db
def test_one_login_with_a_signed_client_assertion_and_a_nonce(client, one_login):
    one_login.person.email = "kofi@example.com"
    page = client.get("/account/login/").content.decode()
    assert "Continue with GOV.UK One Login" in page
    start = f"/account/one-login/{PROVIDER_ID}/login/"
    authorize = client.post(start)["Location"]
    asked = parse_qs(urlparse(authorize).query)
    assert asked["nonce"][0] and asked["vtr"] == ['["Cl.Cm"]']
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    assert callback.path == f"/account/one-login/{PROVIDER_ID}/login/callback/"
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302
    user = User.objects.get(email="kofi@example.com")
    assert int(client.session["_auth_user_id"]) == user.pk
    token_request = next(details for name, details in one_login.requests if name == "token")
    assert "client_secret" not in token_request and token_request["client_assertion"]


@pytest.mark.django_db
def test_an_id_token_with_another_nonce_is_refused(client, one_login):
    one_login.person.email = "kofi@example.com"
    authorize = client.post(f"/account/one-login/{PROVIDER_ID}/login/")["Location"]
    # The provider answers as if another sign-in had asked: the nonce does not match.
    forged = authorize.replace("nonce=", "nonce=other")
    back = requests.get(forged, allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert "Sorry, we could not sign you in" in response.content.decode()
    assert not User.objects.filter(email="kofi@example.com").exists()


@pytest.mark.django_db
def test_a_staff_email_address_does_not_sign_in_to_the_staff_account(client, provider):
    from tests.factories import StaffFactory

    staff = StaffFactory(email="officer@council.example")
    provider.person.email = "officer@council.example"
    response = _sign_in_through(client, provider)
    assert response.status_code == 403
    assert "Sorry, we could not sign you in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not staff.socialaccount_set.exists()
