"""Assisted digital: an agent raises a request for a resident who phoned or called in.

The agent goes through the service's own questions, one at a time, exactly as the resident
would online (the same form definition, checks and routing: the form journey of
``catalogue.journey``, its pages through ``catalogue.inputs``), then checks the answers with the
resident and sends. Here the answers so far are kept in the agent's session. The case records
the channel, the resident and the member of staff who raised it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from borough.accounts.policies import can_see_resident
from borough.assistant.staff import suggest_for_contact
from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid
from borough.cases.selectors import case_by_idempotency_key, cases_for_resident
from borough.catalogue.answers import AnswerError
from borough.catalogue.fees import pounds
from borough.catalogue.inputs import StepPages, question_page, upload_rate_limited
from borough.catalogue.journey import FormJourney
from borough.catalogue.selectors import categories_with_services, service_get
from borough.contacts.models import FormSession
from borough.contacts.services import STAFFED_CHANNELS, form_session_finish, form_session_start
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.people.selectors import resident_get

from .access import staff_required
from .assist_pay import take_payment

SESSION_KEY = "hub_assisted_requests"
# An agent rarely has more than a couple of requests open at once; older ones are dropped.
MAX_OPEN = 10


def _resident_for(request, resident_id: int):
    """The resident, if this member of staff may act for them (the same rule as seeing them)."""
    resident = resident_get(resident_id)
    if resident is None:
        raise Http404("No such resident")
    team_ids = {case.team_id for case in cases_for_resident(resident)}
    if not can_see_resident(request.user, resident, case_team_ids=team_ids):
        raise PermissionDenied
    return resident


class _Assisted:
    """One assisted request in progress, kept in the agent's session under its form token."""

    def __init__(self, request, token: str):
        self.request = request
        self.token = str(token)
        data = request.session.get(SESSION_KEY, {}).get(self.token)
        if data is None:
            raise Http404("This request is no longer in progress")
        self.data = data
        service = service_get(data["service"])
        if service is None:
            raise Http404("No such service")
        self.service = service
        self.resident = _resident_for(request, data["resident"])

    @property
    def answers(self) -> dict:
        return self.data["answers"]

    @property
    def journey(self) -> FormJourney:
        """The form journey over the answers kept here: recording on it changes them."""
        return FormJourney(self.service.form, self.data["answers"], self.data["postcodes"])

    @property
    def channel(self) -> str:
        return self.data["channel"]

    def save(self) -> None:
        everything = self.request.session.get(SESSION_KEY, {})
        everything[self.token] = self.data
        self.request.session[SESSION_KEY] = everything

    def forget(self) -> None:
        everything = self.request.session.get(SESSION_KEY, {})
        everything.pop(self.token, None)
        self.request.session[SESSION_KEY] = everything

    def url_for(self, step, *, change: bool = False) -> str:
        pages = StepPages(
            "hub:assist_question", "hub:assist_check", "hub:assist_exit", args=(self.token,)
        )
        return pages.url(step, change=change)

    def next_url(self) -> str:
        return self.url_for(self.journey.step)

    def context(self, **extra) -> dict:
        return {
            "service": self.service,
            "resident": self.resident,
            "channel_label": dict(_channel_choices())[self.channel],
            "token": self.token,
            **extra,
        }


def _known_answers(service, resident) -> dict:
    """What the council already knows, filled in for the agent (issue 17): the resident's
    postcode for every address or location question, their home for an address question and
    their email for an email question. Each is checked as if typed; one that fails is asked.
    The check page shows them all, each with a "Change" link."""
    journey = FormJourney(service.form, {}, {})
    home = resident.household.property if resident.household_id else None
    for question in service.form.questions:
        known = None
        if question.type in {"address", "location"} and home is not None:
            journey.record_postcode(question, home.postcode)
            if question.type == "address":
                known = home.uprn
        elif question.type == "email" and resident.email:
            known = resident.email
        if known is not None:
            try:
                journey.record(question, known)
            except AnswerError:
                continue  # not kept: the agent is asked it, as if nothing were known
    return {"answers": journey.answers, "postcodes": journey.postcodes}


def _channel_choices():
    return [(channel.value, channel.label) for channel in STAFFED_CHANNELS]


@staff_required
@require_http_methods(["GET", "POST"])
def assist_start(request, resident_id: int):
    """Choose the service the resident wants and how they contacted us."""
    resident = _resident_for(request, resident_id)
    errors: dict[str, str] = {}
    chosen = {"service": request.POST.get("service", ""), "channel": request.POST.get("channel")}
    said = " ".join(request.GET.get("said", "").split())[:1000]
    suggestion = None
    if request.method == "GET" and said:
        # What the resident said, understood as the chat would (issue 22, point 5): the
        # service is preselected for the agent to keep or change; nothing is raised yet.
        suggestion = suggest_for_contact(said)
        if suggestion.service is not None:
            chosen["service"] = suggestion.service.slug
        audit_record(
            actor=request.user,
            action="suggested",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            summary="service for a new contact: "
            + (suggestion.service.slug if suggestion.service else "none"),
        )
    if request.method == "POST":
        service = service_get(chosen["service"]) if chosen["service"] else None
        if service is None:
            errors["service"] = "Choose the service the resident needs"
        if chosen["channel"] not in {value for value, _ in _channel_choices()}:
            errors["channel"] = "Choose how the resident contacted us"
        if service is not None and not errors:
            session = form_session_start(service=service, channel=chosen["channel"])
            token = str(session.token)
            everything = request.session.get(SESSION_KEY, {})
            while len(everything) >= MAX_OPEN:
                everything.pop(next(iter(everything)))
            everything[token] = {
                "service": service.slug,
                "resident": resident.pk,
                "channel": chosen["channel"],
                **_known_answers(service, resident),
            }
            request.session[SESSION_KEY] = everything
            return redirect(_Assisted(request, token).next_url())
    return render(
        request,
        "hub/assist_start.html",
        {
            "resident": resident,
            "categories": categories_with_services(),
            "channels": _channel_choices(),
            "chosen": chosen,
            "said": said,
            "suggestion": suggestion,
            "errors": errors,
            "form_has_errors": bool(errors),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
@upload_rate_limited
def assist_question(request, token: str, question_id: str):
    """One of the service's questions, asked by the agent for the resident."""
    assisted = _Assisted(request, token)
    journey = assisted.journey
    step = question_page(journey, question_id, request, actor=StaffActor(request.user))
    if step.unreachable:
        return redirect(assisted.next_url())
    item = step.question
    if step.postcode_saved:
        assisted.save()
        return redirect(assisted.url_for(item.id, change=step.change))
    if step.saved:
        assisted.save()
        return redirect(assisted.next_url())
    previous = journey.previous(item.id)
    back_url = (
        assisted.url_for(previous)
        if previous is not None
        else reverse("hub:assist_start", args=[assisted.resident.pk])
    )
    return render(
        request,
        "hub/assist_question.html",
        assisted.context(
            **step.context,
            asks_postcode=step.asks_postcode,
            change=step.change,
            back_url=back_url,
            number=journey.number(item.id),
        ),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def assist_check(request, token: str):
    """Read the answers back to the resident, then raise the request."""
    if str(token) not in request.session.get(SESSION_KEY, {}):
        # A second click on "Raise the request": show the case the first click made.
        made = case_by_idempotency_key(f"assisted:{token}")
        if made is not None:
            return redirect("hub:case", reference=made.reference)
    assisted = _Assisted(request, token)
    journey = assisted.journey
    if not journey.ready:
        return redirect(assisted.next_url())
    errors: dict[str, str] = {}
    minutes = request.POST.get("minutes", "").strip()
    fee = assisted.service.fee_for(assisted.answers) if assisted.service.has_fee else 0
    if request.method == "POST":
        if minutes and not (minutes.isdigit() and 0 < int(minutes) <= 600):
            errors["minutes"] = "Enter the length of the contact in whole minutes, like 5"
        elif fee:
            # A paid service: the case is made only once the caller's card payment succeeded.
            taken = take_payment(request, assisted, minutes=int(minutes) if minutes else None)
            if taken.redirect_to:
                return redirect(taken.redirect_to)
            errors = taken.errors
        else:
            try:
                case = case_create(
                    service=assisted.service,
                    answers=assisted.answers,
                    channel=assisted.channel,
                    resident=assisted.resident,
                    actor=StaffActor(request.user),
                    idempotency_key=f"assisted:{token}",
                    form_session_token=token,
                    contact_duration_seconds=int(minutes) * 60 if minutes else None,
                )
            except CaseInvalid as invalid:
                errors = {f"change-{key}": message for key, message in invalid.errors.items()}
            else:
                assisted.forget()
                messages.success(
                    request,
                    f"Request {case.reference} raised for {assisted.resident.full_name}. "
                    "Give them the reference.",
                )
                return redirect("hub:case", reference=case.reference)
    rows = [
        {
            "question": row.question,
            "value": row.value,
            "change_url": assisted.url_for(row.question.id, change=True),
        }
        for row in journey.rows()
    ]
    return render(
        request,
        "hub/assist_check.html",
        assisted.context(
            rows=rows,
            fee=pounds(fee) if fee else "",
            minutes=minutes,
            errors=errors,
            form_has_errors=bool(errors),
            back_url=assisted.url_for(journey.last_question.id),
        ),
    )


@staff_required
def assist_exit(request, token: str, question_id: str):
    """The answers mean the request cannot be raised: what to tell the resident instead."""
    assisted = _Assisted(request, token)
    found = assisted.journey.exit_from(question_id)
    if found is None:
        return redirect(assisted.next_url())
    form_session_finish(token=token, outcome=FormSession.Outcome.NOT_ELIGIBLE)
    return render(
        request,
        "hub/assist_exit.html",
        assisted.context(
            exit=found,
            paragraphs=found.paragraphs,
            back_url=assisted.url_for(question_id),
        ),
    )
