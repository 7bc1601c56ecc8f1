"""A service's form on the portal: the start page, one question per page, check answers, exit
pages, confirmation and the satisfaction question.

The walk through the form is ``catalogue.journey`` (the same for the hub and the assistant);
these pages keep the resident's answers in their session (``progress.Journeys``) and render
each step as a GOV.UK page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid, TransitionRefused
from borough.cases.resident import case_add_contact_email
from borough.cases.selectors import case_by_reference, case_contact_email, contact_choices
from borough.cases.tracking import case_follow_path
from borough.catalogue.answers import Exit
from borough.catalogue.fees import FeeRefused, pounds
from borough.catalogue.inputs import StepPages, question_page, upload_rate_limited
from borough.catalogue.journey import FormJourney
from borough.catalogue.models import Service
from borough.catalogue.selectors import service_get
from borough.contacts.models import Feedback, FormSession
from borough.contacts.services import (
    SAVED_FORM_DAYS,
    ContactInvalid,
    feedback_record,
    form_session_finish,
    form_session_start,
)
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.core.ratelimit import rate_limited
from borough.people.services import resident_for_account
from borough.places.selectors import example_postcode, property_get

from .map_pages import location_page_extras, pin_post, postcode_page_map
from .payment_pages import pay_for
from .progress import FormState, Journeys


def _service_or_404(slug: str) -> Service:
    service = service_get(slug)
    if service is None:
        raise Http404("No such service")
    return service


def _step_url(service: Service, step: str | Exit, *, change: bool = False) -> str:
    pages = StepPages("portal:question", "portal:check", "portal:exit", args=(service.slug,))
    return pages.url(step, change=change)


@csrf_exempt  # starting a form changes nothing but the visitor's own session
@require_http_methods(["GET", "POST"])
@rate_limited("start")
def service_start(request, slug: str):
    """The start page. Pressing 'Start now' begins a form session (a POST, so crawlers don't).

    The start page sets no cookie: the session (and its CSRF token) begins with the form.
    """
    service = _service_or_404(slug)
    if request.method == "POST":
        journeys = Journeys(request.session, request.user)
        state = journeys.get(service)
        if state is None:
            session = form_session_start(service=service, channel=Channel.WEB)
            state = journeys.start(service, str(session.token))
            if _prefill_location(service, state, request.POST.get("uprn", "")):
                journeys.save(service, state)
        return redirect(_step_url(service, state.journey(service).resume_at))
    journeys = Journeys(request.session, request.user)
    in_progress = journeys.get(service) is not None
    uprn = request.GET.get("uprn", "")
    prefill = _prefill_property(service, uprn) if not in_progress else None
    return render(
        request,
        "portal/start.html",
        {
            "service": service,
            "in_progress": in_progress,
            "saved_at": journeys.saved_at(service),
            "prefill": prefill,
        },
    )


def _prefill_property(service: Service, uprn: str):
    """The current property a "report another problem here" link names, if the service asks
    where the problem is."""
    if not uprn.isdigit() or service.form.location_question is None:
        return None
    prop = property_get(int(uprn))
    return prop if prop is not None and prop.is_current else None


def _prefill_location(service: Service, state: FormState, uprn: str) -> bool:
    """Start a form with the location already given (``?uprn=`` from a request page): an
    address question is answered; a location question starts from the property's postcode,
    so the resident only picks the place and describes it."""
    prop = _prefill_property(service, uprn)
    if prop is None:
        return False
    question = service.form.location_question
    assert question is not None  # _prefill_property found one
    if question.type == "address":
        state.answers[question.id] = prop.uprn
    else:
        state.postcodes[question.id] = prop.postcode
    return True


def saved(request, slug: str):
    """The answers of a signed-in resident are saved: when they can come back until."""
    service = _service_or_404(slug)
    saved_at = Journeys(request.session, request.user).saved_at(service)
    if saved_at is None:
        return redirect("portal:start", slug=service.slug)
    return render(
        request,
        "portal/saved.html",
        {"service": service, "keep_until": saved_at + dt.timedelta(days=SAVED_FORM_DAYS)},
    )


def _back_url(service: Service, journey: FormJourney, question_id: str) -> str:
    previous = journey.previous(question_id)
    if previous is None:
        return reverse("portal:start", args=[service.slug])
    return _step_url(service, previous)


@require_http_methods(["GET", "POST"])
@upload_rate_limited
def question(request, slug: str, question_id: str):
    """One question, on its own page. Address and location questions have a postcode step."""
    service = _service_or_404(slug)
    journeys = Journeys(request.session, request.user)
    state = journeys.get(service)
    if state is None:
        return redirect("portal:start", slug=service.slug)
    journey = state.journey(service)
    if request.method == "POST" and request.POST.get("step") == "pin":
        return _pin_dropped(request, service, state, journeys, question_id)
    actor = ResidentActor(user=request.user if request.user.is_authenticated else None)
    step = question_page(journey, question_id, request, actor=actor)
    if step.unreachable:
        # Not reachable with the answers given so far: go to where the resident is up to.
        return redirect(_step_url(service, journey.step))
    item = step.question
    if request.POST.get("action") == "save" and journeys.user is not None:
        if step.saved or step.postcode_saved or not _answered(request, item.id):
            # "Save and come back later" does not make the resident answer this page first.
            journeys.save(service, state)
            return redirect("portal:saved", slug=service.slug)
    elif step.saved or step.postcode_saved:
        journeys.save(service, state)
        if step.postcode_saved:
            return HttpResponseRedirect(_step_url(service, item.id, change=step.change))
        return redirect(_step_url(service, journey.step))
    context = {
        **step.context,
        "service": service,
        "change": step.change,
        "back_url": _back_url(service, journey, item.id),
        "can_save": journeys.user is not None,
    }
    if step.asks_postcode:
        return _postcode_page(request, service, context)
    if item.type == "location":
        extras = location_page_extras(request, service, item, context)
        context.update(extras)
        context["map_config"] = extras.get("map")
    return render(request, "portal/question.html", context)


def _postcode_page(request, service: Service, context: dict, *, status: int = 200):
    """The postcode step of an address or location question; a location question's has the
    map too (JavaScript only: the postcode is the way without it)."""
    context["example_postcode"] = example_postcode()
    if context["question"].type == "location":
        found = postcode_page_map(service)
        context["map_config"] = found.get("map")
    return render(request, "portal/question_postcode.html", context, status=status)


def _pin_dropped(request, service: Service, state: FormState, journeys: Journeys, question_id):
    """A pin dropped on the map of a location question's postcode page (``map_pages``)."""
    journey = state.journey(service)
    item = journey.question(question_id)
    if item is None or item.type != "location":
        raise Http404("No such question")
    if not journey.reaches(item.id):
        return redirect(_step_url(service, journey.step))
    error = pin_post(request, service, journey, item)
    change = request.POST.get("change") == "1"
    if error is None:
        journeys.save(service, state)
        return HttpResponseRedirect(_step_url(service, item.id, change=change))
    context = {
        "question": item,
        "service": service,
        "change": change,
        "back_url": _back_url(service, journey, item.id),
        "errors": {"postcode": error},
        "postcode_error": error,
        "form_has_errors": True,
        "postcode": "",
    }
    return _postcode_page(request, service, context, status=400)


def _answered(request, question_id: str) -> bool:
    """Did the resident enter anything for this question on the page just posted?"""
    typed = any(
        value.strip()
        for key, value in request.POST.items()
        if key == question_id or key.startswith(f"{question_id}-")
    )
    return typed or question_id in request.FILES


@require_http_methods(["GET", "POST"])
@rate_limited("submit")
def check_answers(request, slug: str):
    """Check your answers, then submit. A second submit of the same form makes no second case."""
    service = _service_or_404(slug)
    journeys = Journeys(request.session, request.user)
    state = journeys.get(service)
    if state is None:
        if request.method == "POST" and journeys.submitted_reference(service):
            return redirect("portal:confirmation", slug=service.slug)
        return redirect("portal:start", slug=service.slug)
    journey = state.journey(service)
    if not journey.ready:
        return redirect(_step_url(service, journey.step))
    errors: dict[str, str] = {}
    amount, fee_problem = _amount_due(service, state.answers)
    if fee_problem:
        errors = {"fee": fee_problem}
    elif request.method == "POST" and amount:
        try:
            contact_by = _chosen_contact(request)
            return pay_for(
                request, service, state, _requester(request), journeys, contact_by=contact_by
            )
        except CaseInvalid as invalid:
            errors = {f"change-{key}": message for key, message in invalid.errors.items()}
        except ChoiceMissing as missing:
            errors = {"contact_by": str(missing)}
    elif request.method == "POST":
        try:
            return _send_request(request, service, state, journeys)
        except CaseInvalid as invalid:
            errors = {f"change-{key}": message for key, message in invalid.errors.items()}
        except ChoiceMissing as missing:
            errors = {"contact_by": str(missing)}
    return render(
        request,
        "portal/check_answers.html",
        {
            "service": service,
            "rows": [
                {
                    "question": row.question,
                    "value": row.value,
                    "change_url": _step_url(service, row.question.id, change=True),
                }
                for row in journey.rows()
            ],
            "errors": errors,
            "form_has_errors": bool(errors),
            "back_url": _step_url(service, journey.last_question.id),
            "amount_due": pounds(amount) if amount else "",
            "every": service.fee.every if service.fee else "",
            "contact_choices": _contact_choices(request),
            "contact_by": request.POST.get("contact_by", "") or _usual_choice(request),
        },
    )


CHOICE_LABELS = {
    "email": gettext_lazy("By email"),
    "sms": gettext_lazy("By text message"),
    "letter": gettext_lazy("By letter to your home"),
}


def _contact_choices(request) -> list[tuple[str, object]]:
    """How a signed-in resident may hear about a request: offered only when there is a choice."""
    resident = _requester(request) if request.user.is_authenticated else None
    choices = contact_choices(resident)
    return [(choice, CHOICE_LABELS[choice]) for choice in choices] if len(choices) > 1 else []


def _usual_choice(request) -> str:
    resident = _requester(request) if request.user.is_authenticated else None
    choices = contact_choices(resident)
    if resident is not None and resident.contact_by in choices:
        return resident.contact_by
    return choices[0] if choices else ""


class ChoiceMissing(ValueError):
    """The resident has more than one way to hear back and chose none of them."""


def _chosen_contact(request) -> str:
    """How the resident chose to hear about the request ("" when they have one way only).
    Raises ``ChoiceMissing`` when they have a choice and made none."""
    choices = contact_choices(_requester(request) if request.user.is_authenticated else None)
    contact_by = request.POST.get("contact_by", "")
    if len(choices) > 1 and contact_by not in choices:
        raise ChoiceMissing(_("Select how you want to hear about this request"))
    return contact_by if len(choices) > 1 else ""


def _send_request(request, service: Service, state: FormState, journeys: Journeys):
    """Make the request (a free service) and go to the confirmation page. Raises
    ``CaseInvalid`` for answers that no longer hold and ``ChoiceMissing`` when the resident
    must say how they want to hear about it."""
    resident = _requester(request)
    case = case_create(
        service=service,
        answers=state.answers,
        channel=Channel.WEB,
        resident=resident,
        contact_by=_chosen_contact(request),
        actor=ResidentActor(
            resident=resident,
            user=request.user if request.user.is_authenticated else None,
        ),
        idempotency_key=f"web:{state.token}",
        form_session_token=state.token,
    )
    journeys.finish(service, case.reference)
    return redirect("portal:confirmation", slug=service.slug)


def _amount_due(service: Service, answers: dict) -> tuple[int, str]:
    """What the answers cost in pence, or a problem to show instead of sending anyone to pay
    (an amount GOV.UK Pay cannot take)."""
    try:
        return service.fee_for(answers), ""
    except FeeRefused:
        return 0, _("We cannot work out what this costs from your answers. Check your answers.")


def _requester(request):
    """Whom a request is for: a signed-in resident's own record (started now for a new
    account, so the request is theirs and acknowledged to the account's email), or nobody."""
    user = request.user
    if not user.is_authenticated or user.is_council_staff:
        return None
    return resident_for_account(user=user, actor=ResidentActor(user=user))


FEEDBACK_KEY = "borough_feedback_given"
# The satisfaction scale, most satisfied first, in the resident's language.
FEEDBACK_SCORES = (
    (Feedback.Score.VERY_SATISFIED, gettext_lazy("Very satisfied")),
    (Feedback.Score.SATISFIED, gettext_lazy("Satisfied")),
    (Feedback.Score.NEUTRAL, gettext_lazy("Neither satisfied nor dissatisfied")),
    (Feedback.Score.DISSATISFIED, gettext_lazy("Dissatisfied")),
    (Feedback.Score.VERY_DISSATISFIED, gettext_lazy("Very dissatisfied")),
)
FEEDBACK_POINTS = {Feedback.Point.SUBMITTED, Feedback.Point.NOT_ELIGIBLE}


def _feedback_key(service: Service, point: str, reference: str | None) -> str:
    return f"{service.slug}:{point}:{reference or ''}"


def exit_page(request, slug: str, question_id: str):
    """The resident's answers mean this cannot be done online; tell them what to do instead."""
    service = _service_or_404(slug)
    state = Journeys(request.session, request.user).get(service)
    if state is None:
        return redirect("portal:start", slug=service.slug)
    journey = state.journey(service)
    found = journey.exit_from(question_id)
    if found is None:
        return redirect(_step_url(service, journey.step))
    form_session_finish(token=state.token, outcome=FormSession.Outcome.NOT_ELIGIBLE)
    return render(
        request,
        "portal/exit.html",
        {
            "service": service,
            "exit": found,
            "back_url": _step_url(service, question_id),
            "paragraphs": found.paragraphs,
            "scores": FEEDBACK_SCORES,
            "feedback_given": _feedback_key(service, "not_eligible", None)
            in request.session.get(FEEDBACK_KEY, []),
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limited("submit", methods=("POST",))
def confirmation(request, slug: str):
    """The reference, what happens next, and exactly how we will keep the resident informed
    given the contact details we hold: a resident who gave no way to reach them is told we will
    not email them, and may give an email address here (optional) to get updates."""
    service = _service_or_404(slug)
    reference = Journeys(request.session, request.user).submitted_reference(service)
    if reference is None:
        return redirect("portal:start", slug=service.slug)
    case = case_by_reference(reference)
    errors: dict[str, str] = {}
    entered = ""
    if request.method == "POST" and case is not None:
        entered = request.POST.get("email", "")[:254]
        try:
            case_add_contact_email(
                case=case, email=entered, actor=ResidentActor(tracking_case_id=case.pk)
            )
        except TransitionRefused as refused:
            errors[refused.field or "email"] = str(refused)
        else:
            messages.success(request, _("We will email you about this request"))
            return redirect("portal:confirmation", slug=service.slug)
    contact_email = case_contact_email(case) if case else None
    return render(
        request,
        "portal/confirmation.html",
        {
            "service": service,
            "reference": reference,
            "follow_url": case_follow_path(case, user_id=request.user.pk) if case else "",
            "next_steps": service.paragraphs("what_happens_next"),
            "contact_email": contact_email,
            "updates_by_email": bool(case and case_contact_email(case, update=True)),
            "offer_email": case is not None and case.resident_id is None and not contact_email,
            "entered": entered,
            "errors": errors,
            "form_has_errors": bool(errors),
            "scores": FEEDBACK_SCORES,
            "feedback_given": _feedback_key(service, "submitted", reference)
            in request.session.get(FEEDBACK_KEY, []),
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limited("feedback")
def feedback(request, slug: str):
    """The satisfaction question at the end of a task: once per request, then thanks."""
    service = _service_or_404(slug)
    point = request.POST.get("point") or request.GET.get("point", "")
    if point not in FEEDBACK_POINTS:
        point = Feedback.Point.SUBMITTED
    reference = (
        Journeys(request.session, request.user).submitted_reference(service)
        if point == Feedback.Point.SUBMITTED
        else None
    )
    key = _feedback_key(service, point, reference)
    given = request.session.get(FEEDBACK_KEY, [])
    errors: dict[str, str] = {}
    if request.method == "POST" and key not in given:
        try:
            feedback_record(
                service=service,
                channel=Channel.WEB,
                point=point,
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", ""),
                case=case_by_reference(reference) if reference else None,
            )
        except ContactInvalid as invalid:
            errors = invalid.errors
        else:
            request.session[FEEDBACK_KEY] = [*given[-19:], key]
            return redirect(f"{reverse('portal:feedback', args=[service.slug])}?point={point}")
    return render(
        request,
        "portal/feedback.html",
        {
            "service": service,
            "point": point,
            "scores": FEEDBACK_SCORES,
            "thanked": key in request.session.get(FEEDBACK_KEY, []),
            "errors": errors,
            "form_has_errors": bool(errors),
            "entered": request.POST,
        },
    )
