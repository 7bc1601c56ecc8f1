"""Accounts in a real browser without JavaScript: a resident registers, confirms their email
from the email sent, signs out and in again (with a password and with an emailed code); staff
sign in with a code from their authenticator app, or set one up through an administrator's
link. Every
account page is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from borough.accounts.enrolment import mfa_enrolment_link_send
from borough.accounts.mfa import authenticator_app_add, totp_code_now
from borough.core.actors import StaffActor
from tests.factories import PASSWORD, StaffFactory
from tests.signing_in import TEST_TOTP_SECRET


def _path_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_resident_registers_confirms_signs_out_and_in(visit, live_server, catalogue):
    resident = visit(javascript=False)
    page = resident.page
    page.goto(live_server.url + "/account/signup/")
    resident.assert_accessible()

    # A mistake first: the page says what is wrong and keeps the email address.
    page.get_by_label("Email address").fill("amara@example.com")
    page.get_by_label("Create a password").fill("short")
    page.get_by_label("Type your password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Email address").input_value() == "amara@example.com"
    assert page.title().startswith("Error:")
    resident.assert_accessible()

    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type your password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email", use_inner_text=True
    )
    resident.assert_accessible()

    (message,) = mail.outbox
    assert message.to == ["amara@example.com"]
    page.goto(live_server.url + _path_in(message))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirm your email address", use_inner_text=True
    )
    resident.assert_accessible()
    page.get_by_role("button", name="Confirm email address").click()
    # Confirming signs the resident in and takes them to their account.
    expect(page).to_have_url(live_server.url + "/my-account/")
    expect(page.locator("body")).to_contain_text("Your email address is confirmed")
    page.goto(live_server.url + "/account/2fa/")  # a page only for people signed in
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Two-factor authentication", use_inner_text=True
    )
    resident.assert_accessible()

    page.goto(live_server.url + "/account/logout/")
    resident.assert_accessible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("body")).to_contain_text("You have signed out")

    # Sign in with a password: a wrong one first.
    page.goto(live_server.url + "/account/login/")
    resident.assert_accessible()
    page.get_by_label("Email address").fill("amara@example.com")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter a correct email address and password" in summary
    resident.assert_accessible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(live_server.url + "/my-account/")
    expect(page.locator("body")).to_contain_text("You are signed in")
    # allauth's own pages (email addresses, password change) in GOV.UK markup too.
    for path in ("/account/email/", "/account/password/change/"):
        page.goto(live_server.url + path)
        assert page.locator("h1.govuk-heading-l").count() == 1
        resident.assert_accessible()
    page.goto(live_server.url + "/account/logout/")
    page.get_by_role("button", name="Sign out").click()

    # Sign in with an emailed code.
    page.goto(live_server.url + "/account/login/")
    page.get_by_role("button", name="Email me a sign-in code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Get a sign-in code by email", use_inner_text=True
    )
    resident.assert_accessible()
    page.get_by_label("Email address").fill("amara@example.com")
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter your sign-in code", use_inner_text=True
    )
    resident.assert_accessible()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    page.get_by_label("Sign-in code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/my-account/")
    expect(page.locator("body")).to_contain_text("You are signed in")
    assert resident.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_resident_resets_their_password(visit, live_server, catalogue):
    from tests.factories import ResidentUserFactory

    person = ResidentUserFactory(email="kofi@example.com")
    resident = visit(javascript=False)
    page = resident.page
    page.goto(live_server.url + "/account/login/")
    page.get_by_role("link", name="I have forgotten my password").click()
    resident.assert_accessible()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Send link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email", use_inner_text=True
    )
    resident.assert_accessible()
    page.goto(live_server.url + _path_in(mail.outbox[-1]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Choose a new password", use_inner_text=True
    )
    resident.assert_accessible()
    page.get_by_label("New password", exact=True).fill("a-long-new-passphrase-2026")
    page.get_by_label("Type your new password again").fill("a-long-new-passphrase-2026")
    page.get_by_role("button", name="Change password").click()
    resident.assert_accessible()
    person.refresh_from_db()
    assert person.check_password("a-long-new-passphrase-2026")


@pytest.mark.django_db(transaction=True)
def test_staff_sign_in_with_a_code_from_their_authenticator_app(visit, live_server, catalogue):
    officer = StaffFactory(email="officer@council.example")
    authenticator_app_add(user=officer, secret=TEST_TOTP_SECRET)
    staff = visit(javascript=False)
    page = staff.page
    page.goto(live_server.url + "/hub/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", use_inner_text=True)
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Enter the code from your authenticator app"
    staff.assert_accessible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert "The code is not right" in page.locator(".govuk-error-summary").inner_text()
    staff.assert_accessible()
    page.get_by_label("Code").fill(totp_code_now(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/hub/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", use_inner_text=True)
    expect(page.locator("body")).to_contain_text("You have signed out")
    staff.assert_accessible()


@pytest.mark.django_db(transaction=True)
def test_staff_set_up_an_authenticator_app_through_an_admins_link(visit, live_server, catalogue):
    officer = StaffFactory(email="new.officer@council.example")
    staff = visit(javascript=False)
    page = staff.page
    page.goto(live_server.url + "/account/login/?next=/hub/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ask an administrator for a set-up link", use_inner_text=True
    )
    staff.assert_accessible()
    admin = StaffFactory(email="admin@council.example", is_superuser=True)
    mfa_enrolment_link_send(staff_member=officer, actor=StaffActor(admin))
    page.goto(live_server.url + _path_in(mail.outbox[-1]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Set up an authenticator app", use_inner_text=True
    )
    staff.assert_accessible()
    page.reload()  # each showing of the page offers a new secret; use the one shown last
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Enter the 6-digit code the app shows").fill(totp_code_now(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your recovery codes", use_inner_text=True
    )
    staff.assert_accessible()
    page.get_by_role("button", name="Continue to the Resident Hub").click()
    expect(page).to_have_url(live_server.url + "/hub/")
