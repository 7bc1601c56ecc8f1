"""The audit of residents' personal data (issue 16): the Django admin is audited like the hub,
audit rows keep who acted after their account is deleted, and a resident's page in the hub
answers "who has seen or changed this record" for those allowed, and no one else."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from borough.accounts.models import Role, Team, User
from borough.cases.models import Case
from borough.cases.workflow import case_add_note
from borough.clients.models import Scope
from borough.core.actors import StaffActor, SystemActor
from borough.core.models import AuditEvent
from borough.people.models import ConsentBasis, Need, Resident, ResidentNeed
from borough.people.services import resident_need_record
from tests.factories import ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login

fill_existing = importlib.import_module(
    "borough.core.migrations.0003_audit_actor_label"
).fill_existing


@pytest.fixture
def ama(make_case):
    """A resident with a hearing need and a missed-bin case (the waste team's)."""
    resident = Resident.objects.create(
        first_name="Ama", last_name="Owusu", email="ama@example.com", phone="+447700900001"
    )
    resident_need_record(
        actor=SystemActor("test"),
        resident=resident,
        need=Need.HEARING,
        consent_basis=ConsentBasis.EXPLICIT_CONSENT,
    )
    make_case(resident=resident)
    return resident


@pytest.fixture
def superuser(catalogue):
    return StaffFactory(
        email="root@council.example",
        first_name="Rita",
        last_name="Root",
        is_staff=True,
        is_superuser=True,
    )


def _access_rows():
    return AuditEvent.objects.filter(object_type="resident_access_log")


# ----------------------------------------------------------- the "who has seen this" page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["agent", "waste_officer"])
def test_staff_without_the_role_cannot_open_who_has_seen_a_record(client, request, ama, who):
    user = request.getfixturevalue(who)
    staff_login(client, user)
    assert client.get(f"/hub/residents/{ama.pk}/").status_code == 200  # they may see Ama
    before = AuditEvent.objects.count()
    response = client.get(f"/hub/residents/{ama.pk}/access/")
    assert response.status_code == 403
    assert "Who has seen or changed" not in response.content.decode()
    assert not _access_rows().exists() and AuditEvent.objects.count() == before
    resident_page = client.get(f"/hub/residents/{ama.pk}/").content.decode()
    assert f"/hub/residents/{ama.pk}/access/" not in resident_page  # no link to it either


@pytest.mark.django_db
def test_a_resident_or_a_visitor_cannot_open_it(client, ama):
    assert client.get(f"/hub/residents/{ama.pk}/access/").status_code == 302  # to sign in
    client.force_login(ResidentUserFactory())
    assert client.get(f"/hub/residents/{ama.pk}/access/").status_code in {302, 403}
    assert not _access_rows().exists()


@pytest.mark.django_db
def test_a_team_lead_of_another_team_cannot_open_it(client, ama, team):
    lead = StaffFactory(membership__team=team("highways"), membership__role=Role.TEAM_LEAD)
    staff_login(client, lead)
    assert client.get(f"/hub/residents/{ama.pk}/access/").status_code == 403
    assert not _access_rows().exists()


@pytest.mark.django_db
def test_a_team_lead_sees_every_view_and_change_and_their_own_look_is_recorded(
    client, ama, agent, team
):
    staff_login(client, agent)
    client.get(f"/hub/residents/{ama.pk}/")
    case = Case.objects.get(resident=ama)
    client.get(f"/hub/cases/{case.reference}/")
    lead = StaffFactory(
        first_name="Lee",
        last_name="Lead",
        membership__team=team("waste"),
        membership__role=Role.TEAM_LEAD,
    )
    case_add_note(case=case, text="Crew told", actor=StaffActor(lead), public=False)
    client.logout()
    staff_login(client, lead)
    assert (
        f"/hub/residents/{ama.pk}/access/"
        in client.get(f"/hub/residents/{ama.pk}/").content.decode()
    )
    page = client.get(f"/hub/residents/{ama.pk}/access/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"user {agent.pk}: Sam {agent.last_name} &lt;agent@council.example&gt;" in html
    assert "Viewed" in html and "Changed" in html and "Resident Hub" in html
    assert f"Request {case.pk}" in html and f"Resident {ama.pk}" in html
    assert "system: test" in html  # the need recorded by Borough itself
    row = _access_rows().get()
    assert (row.actor, row.resident_id, row.channel) == (lead, ama.pk, "hub")


@pytest.mark.django_db
def test_the_data_protection_team_sees_any_residents_record(client, ama, catalogue):
    team = Team.objects.create(slug="data-protection", name="Data protection")
    officer = StaffFactory(membership__team=team, membership__role=Role.OFFICER)
    staff_login(client, officer)
    assert client.get(f"/hub/residents/{ama.pk}/access/").status_code == 200
    assert _access_rows().filter(actor=officer).count() == 1


@pytest.mark.django_db
def test_the_page_is_paginated(client, ama, admin):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="viewed",
            object_type="resident",
            object_id=str(ama.pk),
            resident_id=ama.pk,
            actor_label=f"viewer {n}",
            channel="hub",
        )
        for n in range(60)
    )
    staff_login(client, admin)
    first = client.get(f"/hub/residents/{ama.pk}/access/").content.decode()
    second = client.get(f"/hub/residents/{ama.pk}/access/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("govuk-table__row") == 51  # 50 rows and the header


# --------------------------------------------------------------------- the Django admin


@pytest.mark.django_db
def test_opening_a_resident_or_a_case_in_the_admin_is_audited(client, ama, superuser):
    staff_login(client, superuser)
    assert client.get(f"/admin/people/resident/{ama.pk}/change/").status_code == 200
    case = Case.objects.get(resident=ama)
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    viewed = AuditEvent.objects.filter(action="viewed", channel="admin").order_by("id")
    assert [(v.object_type, v.object_id, v.resident_id, v.actor) for v in viewed] == [
        ("resident", str(ama.pk), ama.pk, superuser),
        ("case", str(case.pk), ama.pk, superuser),
    ]


def _resident_form(resident, **changes):
    need = resident.needs.get()
    data = {
        "first_name": resident.first_name,
        "last_name": resident.last_name,
        "date_of_birth": "",
        "email": resident.email,
        "phone": resident.phone,
        "email_updates": "on",
        "preferred_language": "en",
        "household": "",
        "user": "",
        "needs-TOTAL_FORMS": "2",
        "needs-INITIAL_FORMS": "1",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000",
        "needs-0-id": str(need.pk),
        "needs-0-resident": str(resident.pk),
        "needs-0-need": need.need,
        "needs-0-note": "",
        "needs-0-consent_basis": need.consent_basis,
        "needs-0-consent_recorded_at_0": need.consent_recorded_at.strftime("%Y-%m-%d"),
        "needs-0-consent_recorded_at_1": need.consent_recorded_at.strftime("%H:%M:%S"),
        "needs-0-consent_recorded_by": "",
        "needs-0-withdrawn_at_0": "",
        "needs-0-withdrawn_at_1": "",
        "needs-1-id": "",
        "needs-1-resident": str(resident.pk),
        "needs-1-need": "",
        "needs-1-note": "",
        "needs-1-consent_basis": "",
        "needs-1-consent_recorded_at_0": "",
        "needs-1-consent_recorded_at_1": "",
        "needs-1-consent_recorded_by": "",
        "needs-1-withdrawn_at_0": "",
        "needs-1-withdrawn_at_1": "",
        "_save": "Save",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_changing_a_resident_and_their_needs_in_the_admin_is_audited_by_field_name(
    client, ama, superuser
):
    staff_login(client, superuser)
    need = ama.needs.get()
    response = client.post(
        f"/admin/people/resident/{ama.pk}/change/",
        _resident_form(
            ama,
            phone="+447700900999",
            **{
                "needs-0-DELETE": "on",
                "needs-1-need": Need.MOBILITY,
                "needs-1-consent_basis": ConsentBasis.EXPLICIT_CONSENT,
                "needs-1-consent_recorded_at_0": "2026-12-01",
                "needs-1-consent_recorded_at_1": "10:00:00",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = AuditEvent.objects.filter(channel="admin").order_by("id")
    got = {(r.action, r.object_type, tuple(r.changed_fields)) for r in rows}
    assert ("changed", "resident", ("phone",)) in got
    assert ("deleted", "resident_need", ()) in got
    assert any(r[:2] == ("created", "resident_need") and "need" in r[2] for r in got)
    assert {r.resident_id for r in rows} == {ama.pk}
    assert rows.filter(object_type="resident_need", action="deleted").get().object_id == str(
        need.pk
    )
    # Names of fields, never their values: not the phone number, not the need.
    for row in rows:
        written = f"{row.summary} {row.changed_fields} {row.object_id}"
        assert "900999" not in written and "obility" not in written and "earing" not in written
    assert not ResidentNeed.objects.filter(pk=need.pk).exists()


@pytest.mark.django_db
def test_deleting_a_case_in_the_admin_is_audited(client, ama, superuser):
    staff_login(client, superuser)
    case = Case.objects.get(resident=ama)
    response = client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    row = AuditEvent.objects.get(action="deleted", object_type="case")
    assert (row.object_id, row.resident_id, row.actor, row.channel) == (
        str(case.pk),
        ama.pk,
        superuser,
        "admin",
    )


@pytest.mark.django_db
def test_a_refused_admin_change_writes_nothing(client, ama, agent):
    """Hub staff without admin rights are turned away from the admin, and nothing is written."""
    agent.is_staff = True
    agent.save()
    staff_login(client, agent)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/admin/people/resident/{ama.pk}/change/", _resident_form(ama, phone="+447700900999")
    )
    assert response.status_code == 403
    assert client.get(f"/admin/people/resident/{ama.pk}/change/").status_code == 403
    assert AuditEvent.objects.count() == before
    ama.refresh_from_db()
    assert ama.phone == "+447700900001"


# ------------------------------------------------------------------- who acted, for good


@pytest.mark.django_db
def test_audit_rows_still_name_a_deleted_member_of_staff(client, ama, agent, admin):
    staff_login(client, agent)
    client.get(f"/hub/residents/{ama.pk}/")
    agent_id = agent.pk
    User.objects.filter(pk=agent_id).delete()
    row = AuditEvent.objects.get(object_type="resident", action="viewed")
    assert row.actor is None
    assert row.actor_label.startswith(f"user {agent_id}: ") and "agent@council.example" in (
        row.actor_label
    )
    client.logout()
    staff_login(client, admin)
    html = client.get(f"/hub/residents/{ama.pk}/access/").content.decode()
    assert f"user {agent_id}: Sam" in html and "agent@council.example" in html


@pytest.mark.django_db
def test_an_api_client_is_named_on_the_row(client, ama, new_api_client):
    made = new_api_client(Scope.RESIDENTS_READ, name="Repairs system")
    response = client.get(
        f"/api/v1/residents/{ama.pk}", headers={"Authorization": f"Bearer {made.raw_key}"}
    )
    assert response.status_code == 200
    row = AuditEvent.objects.get(object_type="resident", action="viewed")
    assert row.actor_label == f"API client {made.client.pk}: Repairs system"
    assert (row.channel, row.resident_id) == ("api", ama.pk)


@pytest.mark.django_db
def test_the_migration_names_the_actor_of_rows_written_before(ama, agent):
    case = Case.objects.get(resident=ama)
    old = [
        AuditEvent.objects.create(
            actor=agent, action="viewed", object_type="case", object_id=str(case.pk)
        ),
        AuditEvent.objects.create(
            action="viewed",
            object_type="resident",
            object_id=str(ama.pk),
            summary="API client 7 (Repairs system)",
        ),
        AuditEvent.objects.create(
            action="exported", object_type="data_quality", object_id="duplicates"
        ),
    ]
    fill_existing(apps, None)
    rows = [AuditEvent.objects.get(pk=row.pk) for row in old]
    assert [(r.actor_label, r.channel, r.resident_id) for r in rows] == [
        (f"user {agent.pk}: Sam {agent.last_name} <agent@council.example>", "hub", ama.pk),
        ("API client 7: Repairs system", "api", ama.pk),
        ("system", "system", None),
    ]
    agent_id = agent.pk
    agent.delete()
    assert AuditEvent.objects.get(pk=old[0].pk).actor_label.startswith(f"user {agent_id}: Sam")


@pytest.mark.django_db
def test_a_case_change_in_the_hub_is_audited_with_the_fields_changed(client, ama, team):
    lead = StaffFactory(membership__team=team("waste"), membership__role=Role.TEAM_LEAD)
    case = Case.objects.get(resident=ama)
    case_add_note(case=case, text="Crew told", actor=StaffActor(lead), public=False)
    row = AuditEvent.objects.get(object_type="case", action="changed")
    assert (row.actor, row.resident_id) == (lead, ama.pk)
    assert row.channel == "system"  # called outside a request: no page to name
    assert "Crew told" not in row.summary
