"""Scripted conversations: every online service's form completed in chat makes the same case
the portal would, with channel chat; and the other things the assistant does."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from borough.assistant.nlu import content
from borough.cases.models import Case
from borough.catalogue.answers import Exit, next_step
from borough.contacts.models import Contact
from borough.core.channels import Channel
from borough.places.selectors import properties_at_postcode
from tests.assistant.conftest import Chat

SERVICES = [
    "report-missed-bin",
    "request-new-bin",
    "book-bulky-waste-collection",
    "subscribe-to-garden-waste",
    "request-assisted-bin-collection",
    "report-fly-tipping",
    "report-graffiti",
    "report-dog-fouling",
    "report-litter",
    "report-overflowing-litter-bin",
    "report-damaged-pavement",
    "report-pothole",
    "report-street-light-fault",
    "report-blocked-drain",
    "report-abandoned-vehicle",
    "apply-for-resident-parking-permit",
    "report-parking-problem",
    "report-housing-repair",
    "report-damp-and-mould",
    "tell-us-you-have-moved",
    "apply-single-person-discount",
    "report-noise",
    "request-pest-control",
    "report-dangerous-tree",
    "report-park-problem",
    # Issue 17
    "homelessness",
    "duty-to-refer",
    "benefits-and-council-tax-reduction",
    "council-tax-account",
    "blue-badge",
    "complaint",
    "foi-request",
]
POSTCODE = "UB8 1QA"


def test_every_online_service_is_scripted(catalogue):
    """Every service the chat raises requests for (a resident's own, not one needing sign-in)."""
    assert sorted(SERVICES) == sorted(s["slug"] for s in content.chat_services())


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return SimpleUploadedFile("log-book.png", out.getvalue(), content_type="image/png")


def _answer(form, question, step: str):
    """What a resident types for ``question`` (and the answer the portal would store)."""
    today = timezone.localdate()
    kind = question.type
    if kind in ("address", "location"):
        if step == "postcode":
            return POSTCODE, None
        if step == "pick":
            if kind == "address":
                return "1", properties_at_postcode(POSTCODE)[0].uprn
            return "1", None  # "Somewhere on Acacia Avenue"
        return "Outside number 2", {"usrn": 20750001, "description": "Outside number 2"}
    if kind == "selection":
        for position, option in enumerate(question.options, start=1):
            value = [option.value] if question.multiple else option.value
            if not isinstance(next_step(form, question, value), Exit):
                return str(position), value
    if kind == "date":
        return "today", today.isoformat()
    if kind == "number":
        low = int(question.min or 1)
        return str(low), low
    if kind == "email":
        return "ama@example.com", "ama@example.com"
    if kind == "phone":
        return "07700 900 982", "07700 900 982"
    if kind == "name":
        return "Ama Owusu", "Ama Owusu"
    if kind == "file":
        if question.required:
            return _png(), "file"
        return "skip", None
    text = "The details the resident gives".ljust(question.min_length, ".")[: question.max_length]
    return text, text


def _request_in_chat(chat, service) -> dict:
    """Go through ``service``'s questions in the chat; return the answers the portal would
    store for what was typed."""
    form = service.form
    chat.start()
    replies = chat.say(service.name)
    asked = chat.conversation.messages.filter(sender="resident").last()
    assert asked.understood["intent"] == f"service:{service.slug}", asked.understood
    assert f"“{service.name}”" in replies[0], (service.slug, replies)
    expected = {}
    for _turn in range(40):
        state = chat.conversation.state
        if state.get("mode") == "confirm":
            break
        question = form.by_id[state["form"]["question"]]
        step = state["form"]["step"]
        typed, value = _answer(form, question, step)
        replies = chat.say("", upload=typed) if not isinstance(typed, str) else chat.say(typed)
        assert chat.conversation.state.get("failures", 0) == 0, (service.slug, question.id, replies)
        if value is not None:
            expected[question.id] = value
        elif step not in ("postcode", "pick"):
            expected[question.id] = None
    assert "Please check your answers" in replies[-1], (service.slug, replies)
    return expected


def _pay_on_the_portal(chat, service, replies) -> None:
    """A paid service: the chat makes no case, and its link takes the answers to the portal,
    where the resident pays on the sandbox (issue 20)."""
    assert "I cannot take card payments in the chat" in replies[0], (service.slug, replies)
    assert not Case.objects.filter(service=service).exists()
    link = chat.conversation.messages.order_by("-seq").first().links[0]["url"]
    check = chat.client.get(link)["Location"]
    assert check == f"/services/{service.slug}/check-answers/"
    assert 'data-testid="amount-due"' in chat.client.get(check).content.decode()
    card = urlsplit(chat.client.post(check)["Location"]).path
    back = chat.client.post(card, {"card_number": "4444333322221111"})["Location"]
    assert chat.client.get(urlsplit(back).path)["Location"].endswith("/confirmation/")


@pytest.mark.django_db
def test_every_service_is_requested_in_chat_with_the_answers_the_portal_stores(
    catalogue, gazetteer, settings, tmp_path
):
    """Each online service (one test, one catalogue load: the loop is the parametrisation)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    for slug in SERVICES:
        cache.clear()  # the per-client rate limits are not what this test checks
        service = catalogue[slug]
        chat = Chat(Client())
        expected = _request_in_chat(chat, service)
        replies = chat.say("yes")
        still = chat.conversation.state.get("form")  # kept only while a payment is due
        paid = bool(still) and service.fee_for(still["answers"])
        if paid:
            _pay_on_the_portal(chat, service, replies)
        case = Case.objects.get(service=service)
        if paid:  # issue 20: made once paid, on the portal, with the chat's answers
            assert case.channel == Channel.WEB
            stored = dict(case.answers)
            assert set(stored) == set(expected), slug
            continue
        assert case.channel == Channel.CHAT
        assert f"Your reference is {case.reference}" in replies[0], (slug, replies)
        # It says whether we will email, by the contact details held (issue 17, point 3).
        gave_email = any(
            q.type == "email" and case.answers.get(q.id) for q in service.form.questions
        )
        promise = "We are emailing you" if gave_email else "We will not email you about it"
        assert promise in replies[0], (slug, replies)
        stored = dict(case.answers)
        assert set(stored) == set(expected), slug
        for key, value in expected.items():
            if value == "file":
                assert stored[key]["content_type"] == "image/png", slug
            else:
                assert stored[key] == value, (slug, key)
        # One contact for the conversation, on the chat channel, with the request it raised.
        contact = Contact.objects.get(case=case)
        assert (contact.channel, contact.outcome) == ("chat", "request_raised")
        assert chat.conversation.contact == contact
