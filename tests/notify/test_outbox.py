"""The notify outbox: every message kept, the sandbox sends nothing, staff read it in the hub."""

from __future__ import annotations

import pytest
from django.core import mail

from borough.accounts.models import Role, Team
from borough.core.models import AuditEvent
from borough.notify.models import Message
from borough.notify.services import send_email
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login


@pytest.fixture
def lead(catalogue):
    return StaffFactory(
        membership__team=Team.objects.get(slug="waste"), membership__role=Role.TEAM_LEAD
    )


@pytest.fixture
def acknowledged(make_case, django_capture_on_commit_callbacks):
    """A case whose resident was sent an acknowledgement."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_case(resident=ResidentFactory(email="ama@example.com"))


@pytest.mark.django_db
def test_the_sandbox_keeps_messages_and_sends_nothing(
    settings, make_case, django_capture_on_commit_callbacks
):
    settings.BOROUGH_NOTIFY_PROVIDER = "outbox"
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=ResidentFactory(email="ama@example.com"))
    message = Message.objects.get()
    assert (message.to, message.template, message.case) == (
        "ama@example.com",
        "case_acknowledgement",
        case,
    )
    assert message.status == Message.Status.SANDBOX and message.provider == "outbox"
    assert case.reference in message.subject and "We aim to deal with it by" in message.body
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_email_provider_keeps_and_sends(settings, db):
    settings.BOROUGH_NOTIFY_PROVIDER = "email"
    message = send_email(
        to="kit@example.com",
        template_key="case_update",
        context={"text": "Done.", "status": "Closed", "reference": "ABCD-EFGH", "service": "X"},
    )
    assert message.status == Message.Status.SENT
    assert [m.subject for m in mail.outbox] == [message.subject]
    assert mail.outbox[0].body == message.body


@pytest.mark.django_db
def test_team_leads_list_filter_and_read_messages_and_reading_is_audited(
    client, lead, acknowledged
):
    staff_login(client, lead)
    page = client.get("/hub/outbox/").content.decode()
    message = Message.objects.get()
    assert message.subject in page and "sandbox" in page.lower()
    empty = client.get("/hub/outbox/?template=case_update").content.decode()
    assert "No messages match" in empty
    assert (
        message.subject in client.get("/hub/outbox/?template=case_acknowledgement").content.decode()
    )
    assert message.subject in client.get("/hub/outbox/?to=AMA@example.com").content.decode()
    assert "No messages match" in client.get("/hub/outbox/?to=kit@example.com").content.decode()
    assert not AuditEvent.objects.filter(object_type="message").exists()
    detail = client.get(f"/hub/outbox/{message.pk}/").content.decode()
    assert "ama@example.com" in detail and acknowledged.reference in detail
    audit = AuditEvent.objects.get(object_type="message")
    assert (audit.actor, audit.action, audit.object_id) == (lead, "viewed", str(message.pk))
    assert "ama@example.com" not in audit.summary


@pytest.mark.django_db
def test_agents_find_messages_only_by_case_reference(client, agent, acknowledged):
    staff_login(client, agent)
    message = Message.objects.get()
    page = client.get("/hub/outbox/").content.decode()
    assert message.subject not in page and "Enter a case reference" in page
    page = client.get(f"/hub/outbox/?case={acknowledged.reference.lower()}").content.decode()
    assert message.subject in page
    page = client.get("/hub/outbox/?case=not-a-ref").content.decode()
    assert "There is a problem" in page and "Enter a case reference, like" in page
    assert client.get(f"/hub/outbox/{message.pk}/").status_code == 200


@pytest.mark.django_db
def test_officers_of_another_team_cannot_read_a_cases_messages(client, acknowledged, catalogue):
    other = StaffFactory(
        membership__team=Team.objects.get(slug="highways"), membership__role=Role.OFFICER
    )
    staff_login(client, other)
    message = Message.objects.get()
    page = client.get(f"/hub/outbox/?case={acknowledged.reference}").content.decode()
    assert message.subject not in page and "no case with that reference" in page
    assert client.get(f"/hub/outbox/{message.pk}/").status_code == 403


@pytest.mark.django_db
def test_residents_have_no_outbox(client, acknowledged):
    staff_login(client, ResidentUserFactory())
    assert client.get("/hub/outbox/").status_code == 403


def test_an_unknown_provider_is_refused_at_start(settings):
    from borough.notify.checks import notify_provider_known

    settings.BOROUGH_NOTIFY_PROVIDER = "pigeon"
    assert [error.id for error in notify_provider_known(None)] == ["notify.E001"]
    settings.BOROUGH_NOTIFY_PROVIDER = "outbox"
    assert notify_provider_known(None) == []


@pytest.mark.django_db
def test_the_case_page_links_each_email_sent_to_the_message(client, waste_officer, acknowledged):
    staff_login(client, waste_officer)
    message = Message.objects.get()
    page = client.get(f"/hub/cases/{acknowledged.reference}/").content.decode()
    assert f"/hub/outbox/{message.pk}/" in page
    assert "ama@example.com" in client.get(f"/hub/outbox/{message.pk}/").content.decode()
