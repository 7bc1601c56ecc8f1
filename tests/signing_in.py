"""Sign people in for tests without the sign-in pages (those are tested in tests/accounts)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from borough.accounts.mfa import authenticator_app_add, record_mfa_in_session

# A test authenticator app's secret (base32); tests compute its codes with totp_code_now.
TEST_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def staff_login(client, user) -> None:
    """Sign ``user`` in to ``client`` the way allauth leaves a member of staff who signed in
    with their password and a code from their authenticator app: logged in, with an
    authenticator app, and with MFA recorded in the session (what the hub checks)."""
    app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if app is None:
        app = authenticator_app_add(user=user, secret=TEST_TOTP_SECRET)
    client.force_login(user)
    session = client.session
    record_mfa_in_session(session, user, app)
    session.save()


def sign_in_on_pages(page, user, password: str) -> None:
    """In a browser on the sign-in page: sign ``user`` in as a person would, with their password
    and, for staff, a code from their authenticator app (the test app, added if they have none).
    """
    from borough.accounts.mfa import totp_code_now

    if user.is_council_staff and not Authenticator.objects.filter(user=user, type="totp").exists():
        authenticator_app_add(user=user, secret=TEST_TOTP_SECRET)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if user.is_council_staff:
        page.get_by_label("Code").fill(totp_code_now(TEST_TOTP_SECRET))
        page.get_by_role("button", name="Continue").click()
