"""The form engine on the web: one question's page, posted and shown, for every channel's UI.

The portal (residents) and the hub (agents raising a request for a resident) both show a
service's questions one at a time from the same definition, walked by ``catalogue.journey``.
This module turns what a browser posts into the raw answer the journey records, keeps uploads
safely, runs the postcode step of address and location questions on a page, and says what to
show back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from borough.core.actors import Actor
from borough.core.ratelimit import rate_limit_hit
from borough.places.selectors import properties_at_postcode

from .answers import AnswerError, Exit
from .definitions import CHECK_ANSWERS, Question
from .filecheck import checked_pdf, reencoded_image
from .journey import FormJourney, place_chosen, property_choices, street_choices
from .uploads import upload_keep

# The first bytes of each file type we accept: what a file is, not what its name claims.
_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
_NAMES = {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}


def file_kinds(question: Question) -> str:
    """The file types a question accepts, as a resident reads them: "JPG, PNG or PDF"."""
    names = [_NAMES[kind] for kind in question.accept]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def raw_answer(question: Question, post, files, *, actor: Actor) -> Any:
    """The raw answer to ``question`` from a POST (and its files), sent by ``actor``."""
    name = question.id
    if question.type == "date":
        return {part: post.get(f"{name}-{part}", "") for part in ("day", "month", "year")}
    if question.type == "selection" and question.multiple:
        return post.getlist(name)
    if question.type == "location":
        chosen = place_chosen(post.get(name, ""))
        return {
            **chosen,
            "description": post.get(f"{name}-description", ""),
            **_pin_with(chosen, post.get(f"{name}-pin", "")),
        }
    if question.type == "file":
        upload = files.get(name)
        return store_upload(question, upload, actor=actor) if upload else None
    return post.get(name, "")


def _pin_with(chosen: dict, pin: str) -> dict:
    """A map pin's point (posted as ``usrn:latitude:longitude``), kept with the answer only when
    the street chosen is the one the pin snapped to."""
    usrn, _sep, point = pin.partition(":")
    latitude, _sep, longitude = point.partition(":")
    if not chosen.get("usrn") or usrn != chosen["usrn"] or not latitude or not longitude:
        return {}
    return {"latitude": latitude, "longitude": longitude}


def store_upload(question: Question, upload: UploadedFile, *, actor: Actor) -> dict:
    """Check an uploaded file's real type and size, make it safe, and keep it as an ``Upload``
    (random id and storage name, type and name decided by Borough). Returns the answer that
    names it.

    The type is read from the file's first bytes, so a program renamed ``photo.jpg`` is refused.
    Photos are decoded and saved again as new files: only the pixels are kept, so nothing
    hidden in the original survives, and neither does its metadata (a phone photo's EXIF data
    can give away where the resident lives). PDFs that can run anything (scripts, launch
    actions, embedded files) are refused (``filecheck``).
    """
    assert upload.size is not None  # an uploaded file has its size
    if upload.size == 0:
        raise AnswerError(_("The selected file is empty"))
    if upload.size > question.max_size_mb * 1024 * 1024:
        raise AnswerError(
            _("The selected file must be smaller than %(size)sMB") % {"size": question.max_size_mb}
        )
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k in question.accept if head.startswith(_SIGNATURES[k])), None)
    if kind is None:
        raise AnswerError(
            _("The selected file must be a %(kinds)s") % {"kinds": file_kinds(question)}
        )
    content = checked_pdf(upload) if kind == "application/pdf" else reencoded_image(upload, kind)
    kept = upload_keep(content=content, kind=kind, original_name=upload.name or "", actor=actor)
    return kept.as_answer()


def upload_rate_limited(view):
    """Refuse a page's post with a 429 page when this client has sent too many files (the
    ``upload`` rate limit). Posts without a file are not counted."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.FILES:
            wait = rate_limit_hit(request, "upload")
            if wait:
                response = render(
                    request, "errors/429.html", {"minutes": max(1, round(wait / 60))}, status=429
                )
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class QuestionStep:
    """The outcome of showing or posting one question's page.

    ``unreachable`` means the answers so far do not lead to this question: the caller sends
    the resident to where they are up to (``journey.step``). ``saved`` means an answer was kept
    and ``postcode_saved`` that the postcode of an address or location question was: the caller
    saves its state and moves on (to the next question, or back to this one to choose the
    address). Otherwise ``context`` is what the page shows, and ``asks_postcode`` says whether
    it is the postcode step. ``change`` says the resident came from checking their answers.
    """

    question: Question
    change: bool = False
    unreachable: bool = False
    saved: bool = False
    postcode_saved: bool = False
    asks_postcode: bool = False
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StepPages:
    """A channel's URL names for the pages of a form's steps, and the arguments before the
    question id (the portal's service slug, the hub's form token)."""

    question: str
    check: str
    exit: str
    args: tuple = ()

    def url(self, step: str | Exit, *, change: bool = False) -> str:
        """The page of a step of the journey: a question (``?change=1`` when changing an answer
        from check answers), check answers, or an exit page."""
        if isinstance(step, Exit):
            return reverse(self.exit, args=[*self.args, step.question_id])
        if step == CHECK_ANSWERS:
            return reverse(self.check, args=list(self.args))
        url = reverse(self.question, args=[*self.args, step])
        return f"{url}?change=1" if change else url


def question_page(journey: FormJourney, question_id: str, request, *, actor: Actor) -> QuestionStep:
    """Handle one question's page (shown on GET, recorded on ``journey`` on POST) for any
    channel's web pages; ``actor`` is who answers (a file is uploaded as theirs). A question
    the form does not have is not found."""
    item = journey.question(question_id)
    if item is None:
        raise Http404("No such question")
    change = request.GET.get("change") == "1" or request.POST.get("change") == "1"
    if not journey.reaches(item.id):
        return QuestionStep(question=item, change=change, unreachable=True)
    step = _question_step(
        item,
        journey=journey,
        method=request.method,
        post=request.POST,
        files=request.FILES,
        query=request.GET,
        actor=actor,
    )
    step.change = change
    return step


def _question_step(
    item: Question, *, journey: FormJourney, method: str, post, files, query, actor: Actor
) -> QuestionStep:
    errors: dict[str, str] = {}
    entered = None
    needs_place = item.type in {"address", "location"}
    postcode = journey.postcodes.get(item.id, "")
    asks_postcode = needs_place and (not postcode or query.get("postcode") == "change")

    if method == "POST" and post.get("step") == "postcode" and needs_place:
        entered = post.get("postcode", "")
        error = journey.record_postcode(item, entered)
        if error is None:
            return QuestionStep(question=item, postcode_saved=True)
        errors["postcode"] = error
        asks_postcode = True
    elif method == "POST":
        try:
            raw = raw_answer(item, post, files, actor=actor)
            if item.type == "file" and raw is None and journey.answers.get(item.id):
                raw = journey.answers[item.id]  # no new file chosen: keep the one uploaded
            journey.record(item, raw)
        except AnswerError as error:
            errors[item.id] = str(error)
            entered = post
        else:
            return QuestionStep(question=item, saved=True)

    context = {
        "question": item,
        "errors": errors,
        "form_has_errors": bool(errors),
        "error": errors.get(item.id),
        "postcode_error": errors.get("postcode"),
        "value": shown_value(item, entered, journey.answers.get(item.id)),
    }
    if asks_postcode:
        context["postcode"] = entered if entered is not None else postcode
        return QuestionStep(question=item, asks_postcode=True, context=context)
    if needs_place:
        context["postcode"] = postcode
        context["properties"] = properties_at_postcode(postcode)
        if item.type == "location":
            context["street_choices"] = street_choices(postcode)
            context["property_choices"] = property_choices(context["properties"])
    if item.type == "file":
        context["file_kinds"] = file_kinds(item)
    context["question_template"] = f"questions/{item.type}.html"
    return QuestionStep(question=item, context=context)


def shown_value(item: Question, entered, answer):
    """What to show in the inputs: what was just typed (after an error), else the saved answer."""
    if item.type == "date":
        if entered is not None:
            return {p: entered.get(f"{item.id}-{p}", "") for p in ("day", "month", "year")}
        if answer:
            year, month, day = answer.split("-")
            return {"day": str(int(day)), "month": str(int(month)), "year": year}
        return {"day": "", "month": "", "year": ""}
    if item.type == "selection":
        if entered is not None:
            return entered.getlist(item.id)
        return answer if isinstance(answer, list) else ([answer] if answer else [])
    if item.type == "location":
        if entered is not None and hasattr(entered, "get"):
            return {
                "choice": entered.get(item.id, ""),
                "description": entered.get(f"{item.id}-description", ""),
            }
        if answer:
            choice = f"uprn:{answer['uprn']}" if answer.get("uprn") else f"usrn:{answer['usrn']}"
            return {"choice": choice, "description": answer.get("description", "")}
        return {"choice": "", "description": ""}
    if item.type == "file":
        return answer
    if entered is not None and hasattr(entered, "get"):
        return entered.get(item.id, "")
    return "" if answer is None else str(answer)
