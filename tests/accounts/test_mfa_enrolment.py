"""Staff set up their authenticator app through an administrator's link: single use, 72 hours,
for one account, after the password; adding or removing an authenticator is emailed and
audited."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from borough.accounts.enrolment import mfa_enrolment_link_send
from borough.accounts.mfa import authenticator_app_add, record_mfa_in_session, totp_code_now
from borough.accounts.models import MfaEnrolmentLink
from borough.core.actors import StaffActor
from borough.core.models import AuditEvent
from tests.factories import PASSWORD, ResidentUserFactory
from tests.signing_in import TEST_TOTP_SECRET

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _sign_in(client, user):
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _set_up_app(client) -> str:
    page = client.get("/account/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="totp-secret">(\w+)<', page).group(1)
    response = client.post("/account/2fa/totp/activate/", {"code": totp_code_now(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def test_the_link_is_emailed_once_audited_and_only_its_hash_is_kept(
    admin, waste_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [waste_officer.email]
    assert url in mailoutbox[0].body and "72 hours" in mailoutbox[0].body
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_mfaenrolmentlink")
        assert token not in str(cursor.fetchall())
    link = MfaEnrolmentLink.objects.get()
    assert link.expires_at - link.created_at == dt.timedelta(hours=72)
    event = AuditEvent.objects.get(object_type="mfa_enrolment_link")
    assert event.actor == admin and event.action == "created"


@pytest.mark.django_db(transaction=True)  # allauth signals the new app on commit
def test_a_link_works_once_and_the_person_is_told_of_the_new_app(
    client, admin, waste_officer, mailoutbox
):
    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    _sign_in(client, waste_officer)
    assert client.get(_path(url))["Location"] == "/account/2fa/totp/activate/"
    secret = _set_up_app(client)
    assert MfaEnrolmentLink.objects.get().used_at is not None
    told = [m for m in mailoutbox if "added to your account" in m.subject]
    assert len(told) == 1 and "An authenticator app was added" in told[0].body
    audited = AuditEvent.objects.filter(object_type="authenticator", action="created")
    assert {e.summary.split()[0] for e in audited} == {"totp", "recovery_codes"}
    assert all(e.actor == waste_officer for e in audited)

    # Used: it works no more, in this session or another.
    response = client.get(_path(url))
    assert response.status_code == 410 and "already been used" in response.content.decode()
    other = type(client)()
    _sign_in(other, waste_officer)
    other.post("/account/2fa/authenticate/", {"code": totp_code_now(secret)})
    assert other.get(_path(url)).status_code == 410


def test_an_expired_link_is_refused_and_sets_nothing_up(client, admin, waste_officer):
    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    MfaEnrolmentLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _sign_in(client, waste_officer)
    response = client.get(_path(url))
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert client.get("/account/2fa/totp/activate/").status_code == 403
    assert not Authenticator.objects.exists()


def test_a_link_expires_after_72_hours_even_in_a_session_that_followed_it(
    client, admin, waste_officer
):
    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    _sign_in(client, waste_officer)
    client.get(_path(url))
    assert client.get("/account/2fa/totp/activate/").status_code == 200
    MfaEnrolmentLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/account/2fa/totp/activate/").status_code == 403


def test_a_link_for_someone_else_is_refused(client, admin, waste_officer, agent):
    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    _sign_in(client, agent)
    response = client.get(_path(url))
    assert response.status_code == 403 and "different account" in response.content.decode()
    assert client.get("/account/2fa/totp/activate/").status_code == 403
    assert MfaEnrolmentLink.objects.get().used_at is None  # still good for its owner


def test_the_link_needs_the_password_not_only_an_emailed_code(client, admin, waste_officer):
    url = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    response = client.get(_path(url))
    assert response["Location"].startswith("/account/login/?next=%2Faccount%2F2fa%2Fset-up-link")
    client.force_login(waste_officer)  # e.g. by an emailed code: no password in this session
    response = client.get(_path(url))
    assert response["Location"].startswith("/account/reauthenticate/")
    assert client.get("/account/2fa/totp/activate/").status_code == 403


def test_a_new_link_stops_the_earlier_one(client, admin, waste_officer):
    first = mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    mfa_enrolment_link_send(staff_member=waste_officer, actor=StaffActor(admin))
    _sign_in(client, waste_officer)
    assert client.get(_path(first)).status_code == 404


def test_only_admins_send_links_and_never_for_themselves(admin, waste_officer, agent):
    for actor, member in (
        (StaffActor(waste_officer), agent),
        (StaffActor(agent), waste_officer),
        (StaffActor(admin), admin),
    ):
        with pytest.raises(PermissionDenied):
            mfa_enrolment_link_send(staff_member=member, actor=actor)
    resident = ResidentUserFactory()
    with pytest.raises(PermissionDenied):
        mfa_enrolment_link_send(staff_member=resident, actor=StaffActor(admin))
    assert not MfaEnrolmentLink.objects.exists()


def test_the_first_administrator_gets_a_link_from_the_command_line(admin, mailoutbox):
    out = io.StringIO()
    call_command("mfa_enrolment_link", admin.email, stdout=out)
    assert "/account/2fa/set-up-link/" in out.getvalue()
    assert MfaEnrolmentLink.objects.get().user == admin


def test_admins_send_links_from_the_hub(client, admin, waste_officer, staff_login, mailoutbox):
    staff_login(client, admin)
    page = client.get("/hub/staff-sign-in/").content.decode()
    assert waste_officer.email in page and "Not set up" in page
    response = client.post(f"/hub/staff-sign-in/{waste_officer.pk}/set-up-link/", follow=True)
    assert "A set-up link was emailed to" in response.content.decode()
    assert MfaEnrolmentLink.objects.get().user == waste_officer
    assert "Link sent" in client.get("/hub/staff-sign-in/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_removing_an_authenticator_is_emailed_and_audited(client, mailoutbox):
    resident = ResidentUserFactory()
    app = authenticator_app_add(user=resident, secret=TEST_TOTP_SECRET)
    client.force_login(resident)
    session = client.session
    record_mfa_in_session(session, resident, app)  # signed in just now: no reauthentication
    session.save()
    response = client.post("/account/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=resident).exists()
    told = [m for m in mailoutbox if "removed from your account" in m.subject]
    assert len(told) == 1 and told[0].to == [resident.email]
    assert AuditEvent.objects.filter(
        object_type="authenticator", action="deleted", actor=resident
    ).exists()
