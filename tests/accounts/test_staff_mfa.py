"""Staff must use an authenticator app (TOTP) to reach any page of the Resident Hub, and set it
up only through an administrator's link."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import RequestFactory

from borough.accounts.enrolment import mfa_enrolment_link_send
from borough.accounts.mfa import (
    StaffMFA,
    authenticator_app_add,
    record_mfa_in_session,
    staff_mfa_state,
    totp_code_now,
)
from borough.core.actors import StaffActor
from tests.factories import PASSWORD
from tests.signing_in import TEST_TOTP_SECRET


def _sign_in_with_password(client, user, next_url="/hub/"):
    return client.post(
        f"/account/login/?next={next_url}", {"login": user.email, "password": PASSWORD}
    )


@pytest.mark.django_db(transaction=True)  # allauth signals the new app on commit
def test_staff_without_an_authenticator_app_set_one_up_only_through_an_admins_link(
    client, waste_officer, admin, mailoutbox
):
    response = _sign_in_with_password(client, waste_officer)
    assert response["Location"] == "/hub/"  # signed in: the password was right
    for url in ("/hub/", "/hub/dashboard/", "/hub/templates/", "/hub/insights/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/account/2fa/ask-for-a-set-up-link/"
    page = client.get("/account/2fa/ask-for-a-set-up-link/").content.decode()
    assert "Ask an administrator for a set-up link" in page
    response = client.get("/account/2fa/totp/activate/")
    assert response.status_code == 403 and "totp-secret" not in response.content.decode()

    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    assert url in mailoutbox[-1].body and mailoutbox[-1].to == [waste_officer.email]
    response = client.get(url.removeprefix("http://localhost:8000"))
    assert response["Location"] == "/account/2fa/totp/activate/"

    page = client.get("/account/2fa/totp/activate/").content.decode()
    assert "Council staff must use an authenticator app" in page
    secret = re.search(r'<code class="app-code" id="totp-secret">(\w+)</code>', page).group(1)
    response = client.post("/account/2fa/totp/activate/", {"code": totp_code_now(secret)})
    assert response["Location"] == "/account/2fa/recovery-codes/"
    page = client.get("/account/2fa/recovery-codes/").content.decode()
    assert "Your authenticator app is set up" in page
    assert "Continue to the Resident Hub" in page
    # Setting the app up took a code from it: no second code is asked for.
    assert client.get("/hub/").status_code == 200
    page = client.get("/account/2fa/").content.decode()
    assert "10 codes left" in page and "Turn off" not in page


@pytest.mark.django_db
def test_staff_with_an_app_enter_its_code_at_sign_in(client, waste_officer):
    authenticator_app_add(user=waste_officer, secret=TEST_TOTP_SECRET)
    response = _sign_in_with_password(client, waste_officer)
    assert response["Location"] == "/account/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/account/2fa/authenticate/", {"code": "123456"})
    page = response.content.decode()
    assert "There is a problem" in page and "The code is not right" in page
    assert '<a href="#id_code">' in page
    response = client.post("/account/2fa/authenticate/", {"code": totp_code_now(TEST_TOTP_SECRET)})
    assert response["Location"] == "/hub/"
    assert client.get("/hub/").status_code == 200


@pytest.mark.django_db
def test_staff_signed_in_without_using_their_app_are_asked_for_a_code(client, waste_officer):
    authenticator_app_add(user=waste_officer, secret=TEST_TOTP_SECRET)
    client.force_login(waste_officer)  # e.g. an emailed code, or a session from before MFA
    response = client.get("/hub/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/reauthenticate/?next=%2Fhub%2Fdashboard%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page
    response = client.post(
        "/account/2fa/reauthenticate/?next=/hub/dashboard/",
        {"code": totp_code_now(TEST_TOTP_SECRET)},
    )
    assert response["Location"] == "/hub/dashboard/"
    assert client.get("/hub/dashboard/").status_code == 200


@pytest.mark.django_db
def test_the_check_reads_allauths_record_of_the_session(waste_officer):
    request = RequestFactory().get("/hub/")
    request.user = waste_officer
    request.session = {}
    assert staff_mfa_state(request) is StaffMFA.SET_UP
    app = authenticator_app_add(user=waste_officer, secret=TEST_TOTP_SECRET)
    assert staff_mfa_state(request) is StaffMFA.VERIFY
    record_mfa_in_session(request.session, waste_officer, app)
    assert staff_mfa_state(request) is StaffMFA.DONE
    # A record left by someone else in the same session does not count.
    request.session["account_authentication_methods_user"] = "someone-else"
    assert staff_mfa_state(request) is StaffMFA.VERIFY


@pytest.mark.django_db
def test_staff_cannot_turn_their_authenticator_app_off(client, waste_officer, staff_login):
    staff_login(client, waste_officer)
    page = client.get("/account/2fa/").content.decode()
    assert "Turn off" not in page
    response = client.post("/account/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=waste_officer, type="totp").exists()
    assert "Council staff must keep an authenticator app" in response.content.decode()


@pytest.mark.django_db
def test_the_staff_login_helper_leaves_staff_ready_for_the_hub(client, waste_officer, staff_login):
    staff_login(client, waste_officer)
    assert client.get("/hub/").status_code == 200


@pytest.mark.django_db
def test_the_admin_asks_for_sign_in_and_mfa_like_the_hub(client, catalogue, staff_login):
    from tests.factories import StaffFactory

    admin = StaffFactory(email="admin@council.example", is_staff=True, is_superuser=True)
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")

    client.force_login(admin)  # a password only: no authenticator app yet
    response = client.get(client.get("/admin/")["Location"])
    assert response["Location"] == "/account/2fa/ask-for-a-set-up-link/"

    staff_login(client, admin)
    assert client.get("/admin/").status_code == 200
