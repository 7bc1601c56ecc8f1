"""What residents and staff see of messages: the choice of how to hear back (check answers and
MyAccount), the messages on a request's page, the hub's outbox (channel, delivery status,
messages needing attention), texts residents sent back, returned letters on the resident, and
the Notify sandbox's page."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.cases.models import Case
from borough.core.models import AuditEvent
from borough.notify import sandbox
from borough.notify.models import Message, ReceivedText, SandboxNotification
from borough.notify.services import send_message
from borough.people.models import Household
from borough.places.models import Property
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.portal.test_missed_bin_journey import START, answer_all
from tests.signing_in import staff_login

CONTEXT = {"text": "Done.", "status": "Closed", "reference": "ABCD-EFGH", "service": "Bins"}


@pytest.fixture
def ama(db, gazetteer, catalogue):
    """A signed-up resident with an email address, a mobile and a home."""
    user = ResidentUserFactory(email="ama@example.com")
    home = Household.objects.create(property=Property.objects.get(uprn=100021500001))
    return ResidentFactory(
        first_name="Ama", email="ama@example.com", phone="07700 900982", user=user, household=home
    )


@pytest.fixture
def lead(catalogue):
    return StaffFactory(
        membership__team=Team.objects.get(slug="waste"), membership__role=Role.TEAM_LEAD
    )


@pytest.mark.django_db
def test_a_resident_chooses_a_text_for_one_request_and_sees_it_sent_on_its_page(
    client, notify_on, ama, missed_bin, django_capture_on_commit_callbacks
):
    client.force_login(ama.user)
    answer_all(client, missed_bin)
    page = client.get(START + "check-answers/").content.decode()
    assert "How do you want to hear about this request?" in page
    assert "By text message" in page and "By letter to your home" in page
    response = client.post(START + "check-answers/", {"contact_by": "pigeon"})
    assert "Select how you want to hear about this request" in response.content.decode()
    assert not Case.objects.exists()  # nothing made, the answers kept
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(START + "check-answers/", {"contact_by": "sms"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.contact_by == "sms"
    text = Message.objects.get(case=case)
    assert (text.channel, text.to, text.status) == ("sms", "07700 900982", "delivered")
    page = client.get(f"/my-account/requests/{case.reference}/").content.decode()
    assert "Messages we sent you" in page and "Text message" in page and "Delivered" in page


@pytest.mark.django_db
def test_myaccount_keeps_how_a_resident_wants_to_hear_and_explains_what_it_needs(
    client, notify_on, ama
):
    client.force_login(ama.user)
    form = {"first_name": "Ama", "last_name": "Owusu", "email_updates": "yes"}
    response = client.post("/my-account/details/", {**form, "phone": "", "contact_by": "sms"})
    assert "Enter a mobile phone number to get text messages" in response.content.decode()
    ama.refresh_from_db()
    assert ama.phone == "07700 900982" and ama.contact_by == ""  # nothing saved
    response = client.post(
        "/my-account/details/", {**form, "phone": "07700 900982", "contact_by": "letter"}
    )
    assert response.status_code == 302
    ama.refresh_from_db()
    assert ama.contact_by == "letter"
    assert "Yes, by letter" in client.get("/my-account/").content.decode()
    ama.household = None
    ama.save()
    response = client.post(
        "/my-account/details/", {**form, "phone": "07700 900982", "contact_by": "letter"}
    )
    assert "Add your address to your account to get letters" in response.content.decode()


@pytest.mark.django_db
def test_the_outbox_shows_channel_and_delivery_and_puts_what_needs_attention_first(
    client, notify_on, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_message(channel="sms", to="07700900002", template_key="case_update", context=CONTEXT)
        send_message(
            channel="email", to="ok@example.com", template_key="case_update", context=CONTEXT
        )
    staff_login(client, lead)
    page = client.get("/hub/outbox/").content.decode()
    assert "1 message needs attention" in page
    assert "Text message" in page and "Delivered" in page
    assert "Not delivered: wrong address or number" in page
    failing = client.get("/hub/outbox/?status=attention").content.decode()
    assert "1 message</caption>" in failing and "Delivered" not in failing.split("<table")[1]
    texts_only = client.get("/hub/outbox/?channel=sms").content.decode()
    assert "1 message</caption>" in texts_only
    message = Message.objects.get(channel="sms")
    detail = client.get(f"/hub/outbox/{message.pk}/").content.decode()
    assert "This message will not reach the resident" in detail and "phone number" in detail


@pytest.mark.django_db
def test_texts_residents_sent_are_listed_for_leads_only_and_audited(client, notify_on, lead):
    ReceivedText.objects.create(
        notify_id=str(uuid.uuid4()),
        source_number="447700900111",
        message="Is my bin coming?",
        received_at=timezone.now(),
    )
    officer = StaffFactory(
        membership__team=Team.objects.get(slug="waste"), membership__role=Role.OFFICER
    )
    staff_login(client, officer)
    assert client.get("/hub/outbox/texts/").status_code == 403
    staff_login(client, lead)
    page = client.get("/hub/outbox/texts/?unmatched=yes").content.decode()
    assert "Is my bin coming?" in page and "Not put on a request" in page
    assert AuditEvent.objects.filter(object_type="received_text", actor=lead).exists()


@pytest.mark.django_db
def test_a_returned_letter_shows_on_the_residents_page_in_the_hub(
    client, notify_on, ama, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_message(
            channel="letter",
            template_key="case_update",
            context=CONTEXT,
            address=ama.household.property.lines,
            resident=ama,
        )
    sandbox.letter_return(SandboxNotification.objects.get())
    agent = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"), membership__role=Role.AGENT
    )
    staff_login(client, agent)
    page = client.get(f"/hub/residents/{ama.pk}/").content.decode()
    assert "A letter to this resident came back" in page and "check their address" in page


@pytest.mark.django_db
def test_the_sandbox_page_says_it_is_a_sandbox_and_a_reply_reaches_the_case(
    client, notify_on, ama, make_case, django_capture_on_commit_callbacks
):
    ama.contact_by = "sms"
    ama.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=ama)
    page = client.get("/sandbox/notify/").content.decode()
    assert "GOV.UK Notify sandbox" in page and "Nothing here was really sent" in page
    notification = SandboxNotification.objects.get(type="sms")
    response = client.post(f"/sandbox/notify/{notification.pk}/", {"action": "reply"})
    assert response.status_code == 400
    assert "Enter the text the resident sends back" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/sandbox/notify/{notification.pk}/", {"action": "reply", "message": "Still there"}
        )
    assert case.events.filter(text="Still there", data__from_resident=True).exists()
    notify_on.NOTIFY_SANDBOX = False
    assert client.get("/sandbox/notify/").status_code == 404


@pytest.mark.django_db
def test_the_sandbox_api_answers_over_http_as_notify_does(client, notify_on):
    response = client.post(
        "/sandbox/notify/v2/notifications/email", data="{}", content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["errors"][0]["error"] == "AuthError"
