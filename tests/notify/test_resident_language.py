"""Messages to residents in their language (issue 19, point 5): the acknowledgement and case
updates (and so a process's letter) are written in the resident's preferred language where
Borough has it, English otherwise; a machine-made language carries its label. The resident
sets the language in MyAccount, and staff set it for them in the hub."""

from __future__ import annotations

import pytest
from django.urls import reverse

from borough.cases.workflow import case_send_update
from borough.core.actors import StaffActor
from borough.notify.models import Message
from tests.factories import ResidentFactory, ResidentUserFactory


def _update(make_case, waste_officer, django_capture_on_commit_callbacks, **resident):
    person = ResidentFactory(**resident)
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=person)
    with django_capture_on_commit_callbacks(execute=True):
        case_send_update(
            case=case, text="The crew will come back on Friday.", actor=StaffActor(waste_officer)
        )
    return case, list(Message.objects.filter(case=case).order_by("created", "id"))


@pytest.mark.django_db
def test_a_polish_resident_gets_the_acknowledgement_and_update_emails_in_polish(
    make_case, waste_officer, django_capture_on_commit_callbacks
):
    case, (ack, update) = _update(
        make_case, waste_officer, django_capture_on_commit_callbacks, preferred_language="pl"
    )
    assert ack.channel == "email"
    assert f"Twój numer referencyjny to {case.reference}." in ack.body
    assert "Staramy się załatwić sprawę do" in ack.body
    assert update.subject.startswith(f"Nowa informacja w sprawie wniosku {case.reference}")
    assert "The crew will come back on Friday." in update.body  # the officer's own words
    assert f"Numer referencyjny: {case.reference}" in update.body
    assert "Machine translation" not in update.body  # Polish is reviewed


@pytest.mark.django_db
def test_a_polish_resident_who_chose_texts_gets_a_polish_text(
    make_case, waste_officer, django_capture_on_commit_callbacks, settings
):
    settings.BOROUGH_NOTIFY_PROVIDER = "outbox"  # records texts (the email provider cannot)
    _case, messages = _update(
        make_case,
        waste_officer,
        django_capture_on_commit_callbacks,
        preferred_language="pl",
        phone="+447700900982",
        contact_by="sms",
    )
    text = messages[-1]
    assert text.channel == "sms"
    assert "nowa informacja w sprawie wniosku" in text.body
    assert "The crew will come back on Friday." in text.body


@pytest.mark.django_db
def test_a_machine_made_language_is_labelled_and_one_borough_lacks_is_english(
    make_case, waste_officer, django_capture_on_commit_callbacks
):
    _case, messages = _update(
        make_case, waste_officer, django_capture_on_commit_callbacks, preferred_language="ro"
    )
    assert "(Machine translation: ask for a person if anything is unclear.)" in messages[-1].body
    _case, messages = _update(
        make_case, waste_officer, django_capture_on_commit_callbacks, preferred_language="xx"
    )
    assert "Reference:" in messages[-1].body and "Machine translation" not in messages[-1].body


@pytest.mark.django_db
def test_the_resident_chooses_their_language_in_myaccount_and_a_bad_one_changes_nothing(client):
    user = ResidentUserFactory()
    resident = ResidentFactory(user=user, email=user.email, first_name="Ada", last_name="Byron")
    client.force_login(user)
    details = {
        "first_name": "Ada",
        "last_name": "Byron",
        "phone": "",
        "email_updates": "yes",
        "contact_by": "email",
    }
    page = client.get(reverse("portal:my_details")).content.decode()
    assert "Which language should we write to you in?" in page and "Polski" in page
    bad = client.post(reverse("portal:my_details"), details | {"preferred_language": "klingon"})
    assert "Select a language from the list" in bad.content.decode()
    resident.refresh_from_db()
    assert resident.preferred_language == "en"
    client.post(reverse("portal:my_details"), details | {"preferred_language": "pl"})
    resident.refresh_from_db()
    assert resident.preferred_language == "pl"


@pytest.mark.django_db
def test_staff_set_the_language_for_a_resident(client, staff_login, agent):
    resident = ResidentFactory()
    staff_login(client, agent)
    done = client.post(
        reverse("hub:resident_language", args=[resident.pk]),
        {"preferred_language": "pl"},
        follow=True,
    )
    assert "Language changed" in done.content.decode()
    resident.refresh_from_db()
    assert resident.preferred_language == "pl"
    client.post(reverse("hub:resident_language", args=[resident.pk]), {"preferred_language": "x"})
    resident.refresh_from_db()
    assert resident.preferred_language == "pl"


def test_welsh_messages_carry_the_machine_label_until_a_welsh_speaker_reviews_them(settings):
    from borough.core.languages import message_language

    settings.LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg"), ("pl", "Polski")]
    welsh, polish = message_language("cy"), message_language("pl")
    assert (welsh.code, welsh.machine_made) == ("cy", True)
    assert (polish.code, polish.machine_made) == ("pl", False)
