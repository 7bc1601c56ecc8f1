"""Every online service in the catalogue can be completed through the portal's pages."""

import datetime as dt
import io
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from borough.cases.models import Case
from borough.catalogue.answers import Exit, next_step
from borough.catalogue.models import Upload
from borough.portal.signed_in_forms import SIGN_IN_SERVICES
from tests.factories import ResidentUserFactory

# The smallest valid PNG: a 1x1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001 0d0a2db40000000049454e44ae426082".replace(" ", "")
)


def post_data(question):
    """A valid answer to ``question`` as a browser would post it."""
    name = question.id
    kind = question.type
    if kind == "date":
        day = dt.date.today()
        if question.allow == "future":
            day += dt.timedelta(days=1)
        return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
    if kind == "number":
        return {name: str(int(question.min if question.min is not None else 1))}
    if kind == "selection":
        for option in question.options:
            value = [option.value] if question.multiple else option.value
            if not isinstance(next_step_for(question, value), Exit):
                return {name: option.value}
        raise AssertionError(f"every option of {name} leads to an exit page")
    if kind == "email":
        return {name: "ama.owusu@example.com"}
    if kind == "name":
        return {name: "Ama Owusu"}
    if kind == "phone":
        return {name: "07700 900 982"}
    if kind == "file":
        upload = io.BytesIO(PNG)
        upload.name = "photo.png"
        return {name: upload}
    if kind == "location":
        return {name: "usrn:20750001", f"{name}-description": "Outside number 2"}
    if kind == "address":
        return {name: "100021500002"}
    return {name: "x" * max(question.min_length, min(12, question.max_length))}


def _contact_promise(page: str) -> str:
    """What the confirmation page says about how we will keep in touch."""
    start = page.index('data-testid="contact-promise"')
    follow = page[page.index('data-testid="follow-link"') : start]
    return follow + page[start : page.index("</div>", start)]


def next_step_for(question, value):
    return next_step(CURRENT_FORM[0], question, value)


CURRENT_FORM = [None]


@pytest.mark.django_db
def test_every_online_service_can_be_completed_online(
    client, catalogue, gazetteer, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    for slug, service in catalogue.items():
        if not service.is_online:
            continue  # a councillors' service (member enquiries): never offered to residents
        cache.clear()  # the submit limit (30 an hour per client) is not what this test checks
        visitor, account = client, None
        if slug in SIGN_IN_SERVICES:  # a resident signs in first; nobody else may send it
            assert "/account/login/" in client.post(f"/services/{slug}/")["Location"], slug
            visitor, account = Client(), ResidentUserFactory(email="ada.signed.in@example.com")
            visitor.force_login(account)
        CURRENT_FORM[0] = service.form
        base = f"/services/{slug}/"
        location = visitor.post(base)["Location"]
        steps = 0
        while location.startswith(base + "questions/"):
            question_id = location.split("/")[-2]
            question = service.form.by_id[question_id]
            if question.type in {"address", "location"}:
                visitor.post(location, {"step": "postcode", "postcode": "UB8 1QA"})
            response = visitor.post(location, {"step": "answer", **post_data(question)})
            assert response.status_code == 302, (
                slug,
                question_id,
                response.content.decode()[-2000:],
            )
            location = response["Location"]
            steps += 1
            assert steps <= len(service.form.questions)
        assert location == base + "check-answers/", (slug, location)
        sent = visitor.post(location)["Location"]
        if "/sandbox/pay/card/" in sent:
            # A paid service goes to GOV.UK Pay (the sandbox) first; the case is made once paid.
            assert service.fee and not Case.objects.filter(service=service)
            card = urlsplit(sent).path
            sent = urlsplit(
                visitor.post(card, {"card_number": "4444333322221111"})["Location"]
            ).path
            sent = visitor.get(sent)["Location"]
        assert sent == base + "confirmation/", slug
        case = Case.objects.get(service=service)
        # The confirmation promises only what the contact details we hold allow.
        promise = _contact_promise(visitor.get(base + "confirmation/").content.decode())
        gave_email = any(
            q.type == "email" and case.answers.get(q.id) for q in service.form.questions
        )
        if account is not None:
            assert account.email in promise, slug
        elif gave_email:
            assert "confirmation email" in promise and "ama.owusu@example.com" in promise, slug
        else:
            assert "We will not email" in promise and "email we send" not in promise, slug
        assert case.team == service.team
        uploaded = [
            q for q in service.form.questions if q.type == "file" and case.answers.get(q.id)
        ]
        for question in uploaded:
            assert case.answers[question.id]["content_type"] == "image/png"
            kept = Upload.objects.get(pk=case.answers[question.id]["upload"], case=case)
            stored = Image.open(tmp_path / kept.path)
            assert (stored.format, stored.size) == ("PNG", (1, 1))


@pytest.mark.django_db
def test_a_program_renamed_as_a_photo_is_refused(client, catalogue, gazetteer, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    service, question = next(
        (s, q) for s in catalogue.values() for q in s.form.questions if q.type == "file"
    )
    client.post(f"/services/{service.slug}/")
    session = client.session
    session["borough_forms"][service.slug]["answers"] = _answers_before(service, question)
    session.save()
    fake = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100)
    fake.name = "holiday.jpg"
    response = client.post(
        f"/services/{service.slug}/questions/{question.id}/", {"step": "answer", question.id: fake}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The selected file must be a" in page
    assert not any(tmp_path.rglob("*.jpg"))


def _answers_before(service, target):
    """Cleaned answers for every question before ``target`` on the default route."""
    from borough.catalogue.answers import clean_answer
    from borough.places.selectors import Gazetteer

    CURRENT_FORM[0] = service.form
    answers = {}
    for question in service.form.questions:
        if question.id == target.id:
            break
        raw = post_data(question)
        if question.type == "date":
            raw = {p: str(raw[f"{question.id}-{p}"]) for p in ("day", "month", "year")}
        elif question.type == "location":
            raw = {"usrn": "20750001", "description": "Outside number 2"}
        elif question.type == "file":
            continue
        else:
            raw = raw[question.id]
        answers[question.id] = clean_answer(question, raw, places=Gazetteer())
    return answers
