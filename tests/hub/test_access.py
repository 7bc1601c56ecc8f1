import pytest

from borough.accounts.mfa import authenticator_app_add, totp_code_now
from borough.accounts.models import Role, Team
from borough.core.models import AuditEvent
from tests.factories import PASSWORD, ResidentUserFactory, StaffFactory
from tests.signing_in import TEST_TOTP_SECRET, staff_login


@pytest.fixture
def missed_bin_case(make_case):
    return make_case()


@pytest.mark.django_db
def test_the_hub_asks_people_to_sign_in(client, catalogue):
    response = client.get("/hub/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/hub/")


@pytest.mark.django_db
def test_staff_sign_in_with_an_app_code_and_see_cases(client, waste_officer, missed_bin_case):
    authenticator_app_add(user=waste_officer, secret=TEST_TOTP_SECRET)
    response = client.post(
        "/account/login/?next=/hub/", {"login": waste_officer.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/account/2fa/authenticate/"
    response = client.post("/account/2fa/authenticate/", {"code": totp_code_now(TEST_TOTP_SECRET)})
    assert response.status_code == 302 and response["Location"] == "/hub/"
    page = client.get("/hub/").content.decode()
    assert missed_bin_case.reference in page
    assert "Report a missed bin collection" in page


@pytest.mark.django_db
def test_the_old_hub_sign_in_address_goes_to_the_account_sign_in(client):
    response = client.get("/hub/sign-in/?next=/hub/")
    assert response.status_code == 302 and response["Location"] == "/account/login/?next=/hub/"


@pytest.mark.django_db
def test_a_wrong_password_gets_a_gov_uk_error(client, waste_officer):
    response = client.post("/account/login/", {"login": waste_officer.email, "password": "wrong"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert '<a href="#id_login">' in page  # the summary links to the field


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account(client, waste_officer):
    for _ in range(5):
        client.post("/account/login/", {"login": waste_officer.email, "password": "wrong"})
    response = client.post("/account/login/", {"login": waste_officer.email, "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code in {200, 429}
    assert "Your account is locked" in page or "tried to sign in too many times" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_residents_cannot_use_the_hub(client, catalogue):
    resident = ResidentUserFactory()
    client.force_login(resident)
    response = client.get("/hub/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


@pytest.mark.django_db
def test_officers_see_only_their_own_teams_cases(client, missed_bin_case):
    highways = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, highways)
    assert missed_bin_case.reference not in client.get("/hub/").content.decode()
    # Asking for the waste team by URL does not widen what they see.
    waste = Team.objects.get(slug="waste")
    assert missed_bin_case.reference not in client.get(f"/hub/?team={waste.pk}").content.decode()
    assert client.get(f"/hub/cases/{missed_bin_case.reference}/").status_code == 403


@pytest.mark.django_db
def test_agents_see_every_teams_cases(client, agent, missed_bin_case):
    staff_login(client, agent)
    assert missed_bin_case.reference in client.get("/hub/").content.decode()


@pytest.mark.django_db
def test_opening_a_case_is_audited(client, waste_officer, missed_bin_case):
    staff_login(client, waste_officer)
    response = client.get(f"/hub/cases/{missed_bin_case.reference}/")
    assert response.status_code == 200
    assert "1 Acacia Avenue, Uxbridge, UB8 1QA" in response.content.decode()
    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.action, audit.object_type, audit.object_id) == (
        waste_officer,
        "viewed",
        "case",
        str(missed_bin_case.pk),
    )


@pytest.mark.django_db
def test_the_case_list_query_count_does_not_grow_with_cases(client, waste_officer, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_login(client, waste_officer)

    add_case = make_case
    add_case(100021500001)
    client.get("/hub/")  # the first request after signing in also touches the session
    with CaptureQueriesContext(connection) as one:
        client.get("/hub/")
    for uprn in (100021500002, 100021500003, 100021500004, 100021500005, 100021500006):
        add_case(uprn)
    with CaptureQueriesContext(connection) as six:
        response = client.get("/hub/")
    cell = '<td class="govuk-table__cell">Report a missed bin collection</td>'
    assert response.content.decode().count(cell) == 6
    # Session and user; the page and its capped count; services, teams, wards for the filters;
    # saved views; officers for bulk assign; the permission checks of the page and the menu
    # (templates, dashboard, insights, API clients, single view, live chat, information
    # governance, payments reconciliation, homes, community directory, digital inclusion) and
    # the count of automated processes' steps waiting for the team.
    assert len(six) == len(one) <= 25


def _footer(page: str) -> str:
    return page[page.index('<footer class="govuk-footer"') :]


STAFF_SIGN_IN = ">Staff sign in</a>"


@pytest.mark.django_db
def test_the_footer_offers_staff_sign_in_only_to_those_not_signed_in_as_staff(
    client, waste_officer
):
    # Residents, signed in or not, see it on the portal.
    assert STAFF_SIGN_IN in _footer(client.get("/").content.decode())
    client.force_login(ResidentUserFactory())
    assert STAFF_SIGN_IN in _footer(client.get("/").content.decode())
    # Staff signed in do not, in the hub or on the portal.
    client.logout()
    staff_login(client, waste_officer)
    hub = client.get("/hub/")
    assert hub.status_code == 200
    assert "Staff sign in" not in _footer(hub.content.decode())
    assert "Staff sign in" not in _footer(client.get("/").content.decode())
