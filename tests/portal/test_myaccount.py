"""MyAccount: a signed-in resident's own requests, property, details, saved forms and data."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from borough.accounts.models import Role, Team
from borough.cases.models import Case, CaseEvent
from borough.cases.workflow import case_add_note, case_transition
from borough.contacts.models import Feedback, FormSession
from borough.contacts.services import form_session_save, form_session_start
from borough.core.actors import ResidentActor, StaffActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.notify.models import Message
from borough.people.models import Household
from borough.people.services import resident_contact_update
from borough.places.models import CollectionSchedule, Property
from tests.factories import ResidentFactory, ResidentUserFactory, StaffFactory
from tests.portal.test_missed_bin_journey import START, answer_all
from tests.signing_in import staff_login

HOME = "/my-account/"


def request_url(case, action: str = "") -> str:
    return f"{HOME}requests/{case.reference}/" + (f"{action}/" if action else "")


@pytest.fixture
def ama(db, gazetteer):
    """A signed-up resident living at 1 Acacia Avenue."""
    user = ResidentUserFactory(email="ama@example.com")
    household = Household.objects.create(property=Property.objects.get(uprn=100021500001))
    return ResidentFactory(
        first_name="Ama", last_name="Owusu", email="ama@example.com", user=user, household=household
    )


@pytest.fixture
def ben(db):
    user = ResidentUserFactory(email="ben@example.com")
    return ResidentFactory(first_name="Ben", last_name="Carter", user=user)


@pytest.fixture
def signed_in(client, ama):
    client.force_login(ama.user)
    return client


@pytest.fixture
def waste_lead(catalogue):
    return StaffFactory(
        email="waste.lead@council.example",
        first_name="Lee",
        membership__team=Team.objects.get(slug="waste"),
        membership__role=Role.TEAM_LEAD,
    )


def close(case, officer):
    return case_transition(
        case=case, to_state="fixed", actor=StaffActor(officer), note="Collected today."
    )


def png(name: str = "bin.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# ---------------------------------------------------------------------------- dashboard


@pytest.mark.django_db
def test_the_dashboard_lists_only_my_requests_in_residents_words(signed_in, ama, ben, make_case):
    mine = make_case(resident=ama)
    theirs = make_case(100021500002, resident=ben)
    page = signed_in.get(HOME).content.decode()
    assert mine.reference in page and request_url(mine) in page
    assert theirs.reference not in page
    assert mine.public_state_label in page  # "Received", not a staff label
    assert "Last update" in page


@pytest.mark.django_db
def test_the_dashboard_shows_my_property_and_its_bin_days(signed_in, ama):
    today = timezone.localdate()
    CollectionSchedule.objects.create(
        street_id=20750001, stream="general", weekday=today.weekday(), first_date=today
    )
    page = signed_in.get(HOME).content.decode()
    assert "1 Acacia Avenue" in page and "UB8 1QA" in page
    assert "General waste (black bin)" in page
    assert "/bin-days/100021500001/calendar.ics" in page


@pytest.mark.django_db
def test_people_not_signed_in_are_sent_to_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302 and "next=/my-account/" in response["Location"]


@pytest.mark.django_db
def test_my_details_are_changed_only_when_all_are_right(signed_in, ama):
    names = {"first_name": "Ama", "last_name": "Owusu"}
    response = signed_in.post(
        HOME + "details/", {**names, "phone": "call me", "email_updates": "no"}
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a telephone number" in page
    assert 'value="call me"' in page  # what was typed is kept
    ama.refresh_from_db()
    assert ama.phone == "" and ama.email_updates is True

    response = signed_in.post(
        HOME + "details/", {**names, "phone": "07700 900982", "email_updates": "no"}
    )
    assert response["Location"] == HOME
    ama.refresh_from_db()
    assert ama.phone == "07700 900982" and ama.email_updates is False
    page = signed_in.get(HOME).content.decode()
    assert "07700 900982" in page and "Your details have been saved" in page


@pytest.mark.django_db
def test_only_the_resident_themselves_may_change_their_details(ama, ben, agent):
    for someone_else in (
        ResidentActor(resident=ben, user=ben.user),
        ResidentActor(),  # not signed in
        StaffActor(agent),
    ):
        with pytest.raises(PermissionDenied):
            resident_contact_update(
                resident=ama, phone="07700 900982", email_updates=False, actor=someone_else
            )
    ama.refresh_from_db()
    assert (ama.phone, ama.email_updates) == ("", True)
    assert not AuditEvent.objects.filter(object_type="resident", action="changed").exists()


@pytest.mark.django_db
def test_with_email_updates_off_public_updates_are_not_emailed(
    signed_in, ama, make_case, waste_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(resident=ama)
    with django_capture_on_commit_callbacks(execute=True):
        case_add_note(case=case, text="First update.", actor=StaffActor(waste_officer), public=True)
    signed_in.post(
        HOME + "details/",
        {"first_name": "Ama", "last_name": "Owusu", "phone": "", "email_updates": "no"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_add_note(
            case=case, text="We will come tomorrow.", actor=StaffActor(waste_officer), public=True
        )
    sent = Message.objects.filter(template="case_update")
    assert ["First update." in message.body for message in sent] == [True]
    assert Message.objects.filter(template="case_acknowledgement", to="ama@example.com").exists()


@pytest.mark.django_db
def test_saved_forms_can_be_continued_or_deleted_by_their_owner_only(
    signed_in, ama, ben, missed_bin
):
    mine = form_session_start(service=missed_bin, channel=Channel.WEB)
    form_session_save(token=mine.token, user=ama.user, answers={"address": 1}, postcodes={})
    theirs = form_session_start(service=missed_bin, channel=Channel.WEB)
    form_session_save(token=theirs.token, user=ben.user, answers={"address": 2}, postcodes={})
    page = signed_in.get(HOME).content.decode()
    assert "Report a missed bin collection" in page or missed_bin.name in page
    assert f"/services/{missed_bin.slug}/" in page

    signed_in.post(f"{HOME}saved-forms/{theirs.token}/delete/")
    assert FormSession.objects.get(pk=theirs.pk).saved_at is not None  # not mine to delete
    signed_in.post(f"{HOME}saved-forms/{mine.token}/delete/")
    mine.refresh_from_db()
    assert mine.saved_at is None and mine.saved_answers == {}
    assert "You have no saved forms" in signed_in.get(HOME).content.decode()


@pytest.mark.django_db
def test_requests_sent_while_signed_in_appear_in_my_account(signed_in, ama, missed_bin):
    answer_all(signed_in, missed_bin)
    signed_in.post(START + "check-answers/")
    case = Case.objects.get()
    assert case.resident == ama
    confirmation = signed_in.get(START + "confirmation/").content.decode()
    assert request_url(case) in confirmation
    assert case.reference in signed_in.get(HOME).content.decode()


# ---------------------------------------------------------------------------- request page


@pytest.mark.django_db
def test_a_resident_cannot_open_or_act_on_anothers_request(signed_in, ben, make_case):
    theirs = make_case(resident=ben)
    assert signed_in.get(request_url(theirs)).status_code == 404
    response = signed_in.post(request_url(theirs, "add-information"), {"text": "Mine now"})
    assert response.status_code == 404
    assert signed_in.post(request_url(theirs, "not-fixed"), {"reason": "x"}).status_code == 404
    assert signed_in.get(f"{HOME}requests/0000-0000/").status_code == 404
    assert signed_in.get(f"{HOME}requests/{theirs.pk}/").status_code == 404
    assert not theirs.events.filter(data__from_resident=True).exists()


@pytest.mark.django_db
def test_staff_have_no_my_account(client, make_case, waste_officer):
    staff_login(client, waste_officer)
    assert client.get(HOME).status_code == 404


@pytest.mark.django_db
def test_the_request_page_shows_public_events_only_and_no_staff_names(
    signed_in, ama, make_case, waste_officer
):
    case = make_case(resident=ama)
    case_add_note(
        case=case, text="Crew says the lid was shut.", actor=StaffActor(waste_officer), public=False
    )
    case_add_note(
        case=case, text="We will come tomorrow.", actor=StaffActor(waste_officer), public=True
    )
    page = signed_in.get(request_url(case)).content.decode()
    assert "We will come tomorrow." in page and "Update from the council" in page
    assert "Crew says the lid was shut." not in page
    assert waste_officer.get_full_name() not in page and waste_officer.email not in page
    assert "the council" in page
    assert "1 Acacia Avenue" in page  # the location
    bin_type = case.service.form.by_id["bin_type"]
    assert bin_type.label in page and bin_type.options[0].label in page  # what they told us
    assert case.public_state_label in page


@pytest.mark.django_db
def test_added_information_appears_on_the_hub_case_page_and_the_team_is_told(
    signed_in, ama, make_case, waste_officer, waste_lead, django_capture_on_commit_callbacks
):
    case = make_case(resident=ama)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            request_url(case, "add-information"),
            {"text": "The bin is still on the pavement.", "photo": png()},
        )
    assert response["Location"] == request_url(case)
    page = signed_in.get(request_url(case)).content.decode()
    assert "You added information" in page and "The bin is still on the pavement." in page

    event = case.events.get(data__from_resident=True)
    assert event.is_public and event.actor == ama.user
    assert event.data["attachment"]["content_type"] == "image/png"
    staff = Client()
    staff_login(staff, waste_officer)
    hub_page = staff.get(f"/hub/cases/{case.reference}/").content.decode()
    assert "The bin is still on the pavement." in hub_page
    assert "From the resident" in hub_page
    file_url = f"/hub/cases/{case.reference}/events/{event.pk}/file/"
    assert file_url in hub_page
    assert staff.get(file_url).status_code == 200
    told = Message.objects.get(template="team_resident_update")
    assert told.to == "waste.lead@council.example" and told.case == case
    assert "The bin is still on the pavement." in told.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "photo", "error"),
    [
        ("   ", None, "Enter the information you want to add"),
        ("x" * 2001, None, "Your message must be 2,000 characters or fewer"),
        (
            "Here is the photo.",
            SimpleUploadedFile("bin.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg"),
            "The selected file must be a",
        ),
    ],
)
def test_bad_information_gets_an_error_and_keeps_what_was_typed(
    signed_in, ama, make_case, text, photo, error
):
    case = make_case(resident=ama)
    data = {"text": text} if photo is None else {"text": text, "photo": photo}
    response = signed_in.post(request_url(case, "add-information"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and error in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    if text.strip():
        assert text[:50] in page  # nothing typed is lost
    assert not case.events.filter(data__from_resident=True).exists()


@pytest.mark.django_db
def test_not_fixed_reopens_the_request_and_emails_the_team(
    signed_in, ama, make_case, waste_officer, waste_lead, django_capture_on_commit_callbacks
):
    case = make_case(resident=ama)
    page = signed_in.get(request_url(case)).content.decode()
    assert "Tell us it is not fixed" not in page  # only once it is closed
    close(case, waste_officer)
    page = signed_in.get(request_url(case)).content.decode()
    assert "Tell us it is not fixed" in page

    response = signed_in.post(request_url(case, "not-fixed"), {"reason": ""})
    assert "Enter what is still wrong" in response.content.decode()
    case.refresh_from_db()
    assert not case.is_open

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            request_url(case, "not-fixed"), {"reason": "The bin was not emptied at all."}
        )
    assert response["Location"] == request_url(case)
    case.refresh_from_db()
    assert case.is_open and case.state == "action_scheduled" and case.closed_at is None
    event = case.events.order_by("-id").first()
    assert event.kind == CaseEvent.Kind.STATUS_CHANGED and event.actor == ama.user
    assert event.text == "The bin was not emptied at all."
    told = Message.objects.get(template="team_not_fixed")
    assert told.to == "waste.lead@council.example"
    assert "The bin was not emptied at all." in told.body and case.reference in told.subject
    page = signed_in.get(request_url(case)).content.decode()
    assert "You told us it is not fixed" in page
    # The button pressed twice: nothing more happens, and the request is open now.
    again = signed_in.post(request_url(case, "not-fixed"), {"reason": "Still not."})
    assert again["Location"] == request_url(case)
    assert case.events.filter(data__not_fixed=True).count() == 1
    assert "still open" in signed_in.get(request_url(case, "not-fixed")).content.decode()


@pytest.mark.django_db
def test_information_sent_twice_is_kept_once(signed_in, ama, make_case):
    case = make_case(resident=ama)
    for _ in range(2):
        signed_in.post(request_url(case, "add-information"), {"text": "Bin 3 is broken."})
    assert case.events.filter(data__from_resident=True).count() == 1


@pytest.mark.django_db
def test_my_account_pages_make_the_same_number_of_queries_however_many_requests(
    signed_in, ama, make_case, waste_officer, django_assert_max_num_queries
):
    cases = [make_case(resident=ama) for _ in range(3)]
    for case in cases:
        case_add_note(case=case, text="On its way.", actor=StaffActor(waste_officer), public=True)
    with django_assert_max_num_queries(20):
        assert signed_in.get(HOME).status_code == 200
    for _ in range(5):
        make_case(resident=ama)
    with django_assert_max_num_queries(20):
        assert signed_in.get(HOME).status_code == 200
    with django_assert_max_num_queries(25):
        assert signed_in.get(request_url(cases[0])).status_code == 200


@pytest.mark.django_db
def test_not_fixed_is_refused_a_month_after_closing(signed_in, ama, make_case, waste_officer):
    case = make_case(resident=ama)
    close(case, waste_officer)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=29))
    assert "Tell us it is not fixed" not in signed_in.get(request_url(case)).content.decode()
    response = signed_in.post(request_url(case, "not-fixed"), {"reason": "Not fixed."})
    assert response.status_code == 409 and "more than 28 days ago" in response.content.decode()
    case.refresh_from_db()
    assert not case.is_open


@pytest.mark.django_db
def test_satisfaction_after_closing_is_stored_once(signed_in, ama, make_case, waste_officer):
    case = make_case(resident=ama)
    assert signed_in.post(request_url(case, "feedback"), {"score": "5"}).status_code == 302
    assert not Feedback.objects.exists()  # not asked while open
    close(case, waste_officer)
    page = signed_in.get(request_url(case)).content.decode()
    assert "How satisfied were you with this service?" in page

    response = signed_in.post(request_url(case, "feedback"), {"score": "", "comment": "Quick"})
    page = response.content.decode()
    assert "There is a problem" in page and "Select how satisfied you were" in page
    assert "Quick" in page and not Feedback.objects.exists()

    signed_in.post(request_url(case, "feedback"), {"score": "4", "comment": "Quick"})
    signed_in.post(request_url(case, "feedback"), {"score": "1"})
    feedback = Feedback.objects.get()
    assert (feedback.point, feedback.score, feedback.case) == ("closed", 4, case)
    page = signed_in.get(request_url(case)).content.decode()
    assert "How satisfied were you" not in page
    assert "Thank you for telling us how satisfied you were" in page


@pytest.mark.django_db
def test_report_another_problem_here_starts_with_the_address_given(
    signed_in, ama, make_case, missed_bin
):
    case = make_case(resident=ama)
    page = signed_in.get(request_url(case)).content.decode()
    link = f"/services/{missed_bin.slug}/?uprn=100021500001"
    assert link in page
    start_page = signed_in.get(link).content.decode()
    assert "You are reporting a problem at 1 Acacia Avenue" in start_page
    response = signed_in.post(START, {"uprn": "100021500001"})
    assert response["Location"] == START + "questions/bin_type/"
    check = signed_in.get(START + "questions/bin_type/")
    assert check.status_code == 200


# ---------------------------------------------------------------------------- my data


@pytest.mark.django_db
def test_download_my_data_has_my_record_requests_contacts_and_feedback(
    signed_in, ama, ben, make_case, waste_officer
):
    case = make_case(resident=ama)
    make_case(100021500002, resident=ben)
    case_add_note(case=case, text="Internal only.", actor=StaffActor(waste_officer), public=False)
    close(case, waste_officer)
    signed_in.post(request_url(case, "feedback"), {"score": "5", "comment": "Great"})
    response = signed_in.get(HOME + "download/")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["resident"]["first_name"] == "Ama"
    assert data["resident"]["address"].startswith("1 Acacia Avenue")
    assert [item["reference"] for item in data["requests"]] == [case.reference]
    timeline = data["requests"][0]["timeline"]
    assert [item["text"] for item in timeline][-1] == "Collected today."
    assert "Internal only." not in response.content.decode()
    assert data["contacts"][0]["request"] == case.reference
    assert data["feedback"][0]["answer"] == "Very satisfied"
    assert AuditEvent.objects.filter(
        action="downloaded", object_type="resident", object_id=str(ama.pk)
    ).exists()


@pytest.mark.django_db
def test_my_account_pages_are_not_kept_in_caches(signed_in, ama, make_case):
    case = make_case(resident=ama)
    for url in (HOME, request_url(case), HOME + "download/"):
        assert "no-store" in signed_in.get(url)["Cache-Control"]


@pytest.mark.django_db
def test_download_my_data_has_my_needs_chats_and_files_but_no_staff_notes(
    signed_in, ama, ben, make_case, waste_officer
):
    from django.utils import timezone

    from borough.assistant.models import Conversation
    from borough.people.models import ResidentNeed

    case = make_case(resident=ama)
    signed_in.post(request_url(case, "add-information"), {"text": "Still there", "photo": png()})
    ResidentNeed.objects.create(
        resident=ama, need="mobility", note="Staff note: uses a frame",
        consent_basis="explicit_consent", consent_recorded_at=timezone.now(),
    )  # fmt: skip
    now = timezone.now()
    for person, words in ((ama, "My bin was missed"), (ben, "Ben's own chat")):
        chat = Conversation.objects.create(resident=person, started_at=now, updated_at=now)
        chat.messages.create(seq=1, sender="resident", text=words, at=now)
    data = json.loads(signed_in.get(HOME + "download/").content)
    assert [n["need"] for n in data["needs"]] == ["Limited mobility"]
    assert data["needs"][0]["recorded_because"] == "The resident gave explicit consent"
    assert [f["name"] for f in data["files"]] == ["bin.png"]
    assert data["files"][0]["request"] == case.reference
    assert [m["text"] for c in data["chats"] for m in c["messages"]] == ["My bin was missed"]
    text = json.dumps(data)
    assert "Staff note" not in text and "Ben's own chat" not in text
    assert data["objections_upheld"] == []  # none yet: see test_rights for one upheld
