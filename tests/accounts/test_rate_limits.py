"""Sign-in, registration, sign-in codes and password resets are rate limited: the attempt over
the limit is refused with a message that says what to do."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD, ResidentUserFactory

TOO_MANY_PAGE = "You have tried too many times"


@pytest.fixture
def limits(settings):
    def set_limits(**limits):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **limits}

    return set_limits


@pytest.mark.django_db
def test_registration_is_limited_per_address(client, limits):
    limits(signup="2/m/ip")
    for n in range(2):
        response = client.post(
            "/account/signup/",
            {"email": f"person{n}@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302
    response = client.post(
        "/account/signup/",
        {"email": "person3@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert TOO_MANY_PAGE in page and "Wait a few minutes and try again" in page
    assert 'class="govuk-heading-l"' in page


@pytest.mark.django_db
def test_sign_in_codes_are_limited_per_email_address(limits):
    limits(request_login_code="20/m/ip,2/5m/key")
    resident = ResidentUserFactory()
    for _ in range(2):  # a fresh browser each time, as someone trying to flood an inbox would
        Client().post("/account/login/code/", {"email": resident.email})
    response = Client().post("/account/login/code/", {"email": resident.email})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "You have tried to sign in too many times. Wait 5 minutes and try again" in page
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_password_resets_are_limited_per_email_address(client, limits):
    limits(reset_password="20/m/ip,2/5m/key")
    resident = ResidentUserFactory()
    for _ in range(2):
        assert client.post("/account/password/reset/", {"email": resident.email}).status_code == 302
    response = client.post("/account/password/reset/", {"email": resident.email})
    assert response.status_code == 429
    assert TOO_MANY_PAGE in response.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_sign_in_attempts_are_limited_per_address(client, limits):
    limits(login="3/m/ip")
    resident = ResidentUserFactory()
    for _ in range(3):
        client.post("/account/login/", {"login": resident.email, "password": "wrong"})
    response = client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 429
    assert TOO_MANY_PAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_sign_ins_are_limited_per_account(client, limits, settings):
    settings.AXES_FAILURE_LIMIT = 50  # this test is about allauth's own limit
    limits(login_failed="10/m/ip,3/5m/key")
    resident = ResidentUserFactory()
    for _ in range(3):
        client.post("/account/login/", {"login": resident.email, "password": "wrong"})
    response = client.post("/account/login/", {"login": resident.email, "password": PASSWORD})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "You have tried to sign in too many times. Wait 5 minutes and try again" in page
    assert "_auth_user_id" not in client.session
