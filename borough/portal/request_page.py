"""A request's own page: the resident's answers, its public timeline and what they can do next
(add information, say it is not fixed, say how satisfied they were). The owner reaches it from
MyAccount; anyone else only by the tracking link in their confirmation email."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from borough.cases.errors import TransitionRefused
from borough.cases.models import Case, CaseEvent, Status
from borough.cases.resident import RESIDENT_TEXT_LIMIT, case_add_resident_update, case_not_fixed
from borough.cases.selectors import (
    case_by_reference,
    case_for_resident,
    case_not_fixed_refusal,
    case_public_events,
)
from borough.cases.tracking import tracking_token_valid
from borough.catalogue.answers import AnswerError
from borough.catalogue.definitions import Question
from borough.catalogue.inputs import store_upload, upload_rate_limited
from borough.catalogue.journey import FormJourney
from borough.catalogue.selectors import services_online
from borough.contacts.models import Feedback
from borough.contacts.selectors import feedback_given
from borough.contacts.services import ContactInvalid, feedback_record
from borough.core.actors import ResidentActor
from borough.core.channels import Channel
from borough.core.ratelimit import rate_limited
from borough.notify.selectors import messages_to_resident
from borough.payments.selectors import case_payment
from borough.people.selectors import resident_for_user
from borough.processes.library.care import pounds
from borough.processes.models import FinancialAssessment, ProcessStep, StepState

# The one photo a resident may add with more information: the same checks as a form's file
# question (real type read from the file, photos re-encoded without metadata).
PHOTO = Question(
    id="photo",
    type="file",
    label="Photo",
    required=False,
    accept=("image/jpeg", "image/png"),
    max_size_mb=10,
)


def signed_in_resident(request):
    """The resident record of the person signed in; staff are sent to the hub."""
    if request.user.is_council_staff:
        raise Http404("MyAccount is for residents")
    return resident_for_user(request.user)


@dataclass
class Viewer:
    """Who is looking at a request page and how: the owner signed in, or a tracking link."""

    case: Case
    actor: ResidentActor  # the owner signed in, or whoever holds the tracking link
    token: str = ""

    @property
    def anonymous(self) -> bool:
        return bool(self.token)

    def url(self, action: str = "") -> str:
        if self.token:
            args = [self.case.reference, self.token]
            return (
                reverse("portal:track_action", args=[*args, action])
                if action
                else reverse("portal:track", args=args)
            )
        if action:
            return reverse("portal:my_request_action", args=[self.case.reference, action])
        return reverse("portal:my_request", args=[self.case.reference])


def _owner_viewer(request, reference: str) -> Viewer:
    if not request.user.is_authenticated:
        raise Http404
    resident = signed_in_resident(request)
    case = case_for_resident(resident, reference)
    if case is None:
        raise Http404("No such request")  # someone else's request is not found, not refused
    return Viewer(case=case, actor=ResidentActor(resident=resident, user=request.user))


def _token_viewer(reference: str, token: str) -> Viewer:
    if not tracking_token_valid(reference, token):
        raise Http404("No such request")
    case = case_by_reference(reference)
    if case is None:
        raise Http404("No such request")
    return Viewer(case=case, actor=ResidentActor(tracking_case_id=case.pk), token=token)


def answer_rows(case: Case, *, hide_personal: bool = False) -> list[dict]:
    """The case's answers as the resident gave them, in the form's order."""
    journey = FormJourney(case.service.form, case.answers)
    return [
        {"question": row.question.label, "answer": row.value}
        for row in journey.rows(hide_personal=hide_personal)
    ]


def public_headline(event: CaseEvent) -> str:
    """What happened, in the resident's words, never naming staff."""
    if event.data.get("not_fixed"):
        return _("You told us it is not fixed")
    if event.data.get("from_resident"):
        return _("You added information")
    if event.kind == CaseEvent.Kind.CREATED:
        return _("Request received")
    if event.kind == CaseEvent.Kind.STATUS_CHANGED:
        label = _status_label(event)
        return _("Status: %(label)s") % {"label": label} if label else _("Status changed")
    if event.kind == CaseEvent.Kind.MARKED_DUPLICATE:
        return _("Already reported")
    return _("Update from the council")


def _status_label(event: CaseEvent) -> str:
    """What a status change changed the request to, as the resident reads it: the label kept
    on the event, or else the workflow state (or base status) it names."""
    data = event.data
    if data.get("to_public_label"):
        return data["to_public_label"]
    flow = event.case.service.flow
    to = data.get("to") or data.get("status") or ""
    state = flow.state(to)
    if state is None and to in Status.values:
        state = flow.state_for_status(to, data.get("resolution") or "")
    if state is not None:
        return state.public_label
    return data.get("to_label") or ""


def _location(case: Case) -> str:
    if case.property is not None:
        place = case.property.single_line
    elif case.street_id:
        place = str(case.street)
    else:
        return ""
    return f"{place} – {case.location_description}" if case.location_description else place


def _report_here_services(case: Case) -> list:
    """Services that ask where the problem is, this one first, to report another problem at
    the same property."""
    if not case.property_id:
        return []
    found = [s for s in services_online() if s.form.location_question is not None]
    return sorted(found, key=lambda s: (s.pk != case.service_id, s.name))


SENT_WHAT = {
    "case_acknowledgement": gettext_lazy("Your reference"),
    "case_update": gettext_lazy("An update"),
}
SENT_BY = {
    "email": gettext_lazy("Email"),
    "sms": gettext_lazy("Text message"),
    "letter": gettext_lazy("Letter"),
}
# A message's status in a resident's words.
SENT_STATUS = {
    "delivered": gettext_lazy("Delivered"),
    "received": gettext_lazy("Posted"),
    "sent": gettext_lazy("Sent"),
    "sandbox": gettext_lazy("Sent"),
    "sending": gettext_lazy("Sent"),
    "queued": gettext_lazy("Being sent"),
    "temporary-failure": gettext_lazy("Being sent again"),
    "technical-failure": gettext_lazy("Being sent again"),
    "permanent-failure": gettext_lazy("Not delivered: check your contact details"),
    "returned-letter": gettext_lazy("Returned to us: check your address"),
    "failed": gettext_lazy("Not delivered: we will contact you another way"),
}


def sent_to_resident(case: Case) -> list[dict]:
    return [
        {
            "at": message.created,
            "what": SENT_WHAT.get(message.template, ""),
            "by": SENT_BY.get(message.channel, ""),
            "status": SENT_STATUS.get(message.status, ""),
            "problem": message.needs_attention,
        }
        for message in messages_to_resident(case)
    ]


def _render_request(request, viewer: Viewer, *, status: int = 200, **extra):
    case = viewer.case
    now = timezone.now()
    closed_feedback = not case.is_open and not feedback_given(
        case=case, point=Feedback.Point.CLOSED
    )
    context = {
        "viewer": viewer,
        "case": case,
        "service": case.service,
        "answers": answer_rows(case, hide_personal=viewer.anonymous),
        "location": _location(case),
        "timeline": [
            {"at": event.at, "headline": public_headline(event), "event": event}
            for event in case_public_events(case)
        ],
        "can_say_not_fixed": case_not_fixed_refusal(case, now=now) is None,
        "report_here": _report_here_services(case),
        "ask_feedback": closed_feedback,
        "feedback_given": not case.is_open and not closed_feedback,
        "scores": Feedback.Score.choices[::-1],
        "point": Feedback.Point.CLOSED,
        "feedback_action": viewer.url("feedback"),
        "payment": case_payment(case),
        # What we sent them about it (signed in only: a tracking link shows no contact details).
        "sent": [] if viewer.anonymous else sent_to_resident(case),
        # A financial assessment's outcome and letter (signed in only: it is their finances).
        "assessment": None if viewer.anonymous else assessment_for_resident(case),
        **extra,
    }
    return render(request, "portal/myaccount/request.html", context, status=status)


def assessment_for_resident(case) -> dict | None:
    """What the resident sees of their financial assessment: checking, or the letter."""
    assessment = FinancialAssessment.objects.filter(case=case).first()
    if assessment is None:
        return None
    if assessment.letter_sent_at is not None:
        return {
            "status": _("Letter sent"),
            "contribution": pounds(assessment.calculation.get("contribution", 0)),
            "letter": assessment.letter,
            "sent_at": assessment.letter_sent_at,
        }
    checking = ProcessStep.objects.filter(
        instance__case=case, step_id="officer_check", state=StepState.WAITING
    ).exists()
    return {
        "status": _("An officer is checking your answers")
        if checking
        else _("We are working out your contribution"),
        "letter": "",
    }


def _request_action(request, viewer: Viewer, action: str):
    if action == "add-information":
        return _add_information(request, viewer)
    if action == "not-fixed":
        return _not_fixed(request, viewer)
    if action == "feedback":
        return _closed_feedback(request, viewer)
    raise Http404("No such action")


@never_cache
@login_required
def my_request(request, reference: str):
    """One of the signed-in resident's own requests (anyone else's is not found)."""
    return _render_request(request, _owner_viewer(request, reference))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_request_action(request, reference: str, action: str):
    return _request_action(request, _owner_viewer(request, reference), action)


@never_cache
def track(request, reference: str, token: str):
    """A request, opened by the tracking link from the confirmation page and email."""
    return _render_request(request, _token_viewer(reference, token))


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("submit", methods=("POST",))
def track_action(request, reference: str, token: str, action: str):
    return _request_action(request, _token_viewer(reference, token), action)


@upload_rate_limited
def _add_information(request, viewer: Viewer):
    """Add information (text and an optional photo). Nothing is kept unless all of it is."""
    errors: dict[str, str] = {}
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("photo")
        if not text.strip():
            errors["text"] = _("Enter the information you want to add")
        elif len(text.strip()) > RESIDENT_TEXT_LIMIT:
            errors["text"] = _("Your message must be %(limit)s characters or fewer") % {
                "limit": f"{RESIDENT_TEXT_LIMIT:,}"
            }
        attachment = None
        if upload is not None and not errors:
            try:
                attachment = store_upload(PHOTO, upload, actor=viewer.actor)
            except AnswerError as error:
                errors["photo"] = str(error)
        if not errors:
            try:
                case_add_resident_update(
                    case=viewer.case, text=text, attachment=attachment, actor=viewer.actor
                )
            except TransitionRefused as refused:
                errors[refused.field or "text"] = str(refused)
            else:
                messages.success(request, _("Thank you. We have added your information"))
                return redirect(viewer.url())
        if errors.get("text") and upload is not None and "photo" not in errors:
            errors["photo"] = _("Select your photo again")
    return render(
        request,
        "portal/myaccount/add_information.html",
        {
            "viewer": viewer,
            "case": viewer.case,
            "text": text,
            "limit": RESIDENT_TEXT_LIMIT,
            "errors": errors,
            "form_has_errors": bool(errors),
        },
    )


def _not_fixed(request, viewer: Viewer):
    """Tell us a closed request is not fixed: it is reopened and the team is told."""
    refusal = case_not_fixed_refusal(viewer.case, now=timezone.now())
    if refusal and request.method == "POST" and _just_reopened(viewer.case):
        return redirect(viewer.url())  # the same button pressed twice: it is done already
    errors: dict[str, str] = {}
    reason = ""
    if refusal is None and request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            case_not_fixed(case=viewer.case, reason=reason, actor=viewer.actor)
        except TransitionRefused as refused:
            if refused.field:
                errors[refused.field] = str(refused)
            else:
                refusal = str(refused)
        else:
            messages.success(
                request, _("We have reopened your request and told the team what is wrong")
            )
            return redirect(viewer.url())
    return render(
        request,
        "portal/myaccount/not_fixed.html",
        {
            "viewer": viewer,
            "case": viewer.case,
            "refusal": refusal,
            "reason": reason,
            "limit": RESIDENT_TEXT_LIMIT,
            "errors": errors,
            "form_has_errors": bool(errors),
        },
        status=409 if refusal and request.method == "POST" else 200,
    )


def _just_reopened(case: Case) -> bool:
    latest = case.events.order_by("-at", "-id").first()
    return bool(
        latest
        and latest.data.get("not_fixed")
        and timezone.now() - latest.at < dt.timedelta(minutes=10)
    )


def _closed_feedback(request, viewer: Viewer):
    """The satisfaction question after closing: once per request."""
    case = viewer.case
    if request.method != "POST" or case.is_open:
        return redirect(viewer.url())
    if feedback_given(case=case, point=Feedback.Point.CLOSED):
        messages.info(request, _("You have already told us how satisfied you were"))
        return redirect(viewer.url())
    try:
        feedback_record(
            service=case.service,
            channel=Channel.WEB,
            point=Feedback.Point.CLOSED,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
            case=case,
        )
    except ContactInvalid as invalid:
        return _render_request(
            request,
            viewer,
            errors=invalid.errors,
            form_has_errors=True,
            entered=request.POST,
        )
    messages.success(request, _("Thank you for your feedback"))
    return redirect(viewer.url())
