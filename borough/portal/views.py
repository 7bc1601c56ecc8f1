"""Resident-facing pages: find a service, answer its questions one per page, submit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from borough.cases.create import case_create
from borough.cases.dashboard import case_counts_by_service
from borough.cases.errors import CaseInvalid
from borough.cases.selectors import case_by_reference
from borough.cases.tracking import case_tracking_token
from borough.catalogue.answers import Exit, display_answer, journey
from borough.catalogue.definitions import CHECK_ANSWERS, Question
from borough.catalogue.inputs import postcode_check, question_step
from borough.catalogue.models import Service
from borough.catalogue.search import SearchDocument
from borough.catalogue.selectors import (
    categories_with_services,
    category_get,
    service_get,
    service_search,
)
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
from borough.insights.dashboards import performance as performance_figures
from borough.insights.display import show_average, show_count, show_money, show_percent
from borough.people.selectors import resident_for_user
from borough.places.collections import collections_between, icalendar, schedules_for
from borough.places.selectors import Gazetteer, properties_at_postcode, property_get

from .journey import FormState, Journeys

TOP_TASKS = 8
TOP_TASKS_CACHE_SECONDS = 60 * 60


def top_tasks(services: list[Service], *, limit: int = TOP_TASKS) -> list[Service]:
    """The services residents use most (requests in the last 90 days), busiest first.

    Counted at most once an hour; services nobody has used yet follow in catalogue order.
    """
    counts = cache.get("portal:case-counts")
    if counts is None:
        counts = case_counts_by_service(days=90)
        cache.set("portal:case-counts", counts, TOP_TASKS_CACHE_SECONDS)
    ranked = sorted(services, key=lambda s: (-counts.get(s.pk, 0), s.position, s.name))
    return ranked[:limit]


def home(request):
    """Search, the most used services, and every topic with its busiest services."""
    categories = list(categories_with_services())
    services = [service for category in categories for service in category.services.all()]
    ranked = top_tasks(services, limit=len(services))
    rank = {service.pk: position for position, service in enumerate(ranked)}
    topics = [
        {
            "category": category,
            "popular": sorted(category.services.all(), key=lambda s: rank[s.pk])[:3],
            "count": len(category.services.all()),
        }
        for category in categories
    ]
    return render(request, "portal/home.html", {"top_tasks": ranked[:TOP_TASKS], "topics": topics})


def category(request, slug: str):
    """One topic and all of its services."""
    found = category_get(slug)
    if found is None:
        raise Http404("No such topic")
    return render(request, "portal/category.html", {"category": found})


def searchable_pages() -> tuple[SearchDocument, ...]:
    """Pages residents look for that are not request forms, in the active language."""
    return (
        SearchDocument(
            slug="page:bin-days",
            name=_("Check your bin collection days"),
            summary=_(
                "Find out which bins we collect on which day at your address, and add them "
                "to your calendar."
            ),
            keywords=(
                "bin day",
                "bin days",
                "collection day",
                "collection days",
                "when is my bin collected",
                "bin calendar",
                "recycling day",
                "which bin this week",
                "dzień odbioru śmieci",
                "kiedy odbiór śmieci",
                "harmonogram wywozu",
            ),
            category=_("Bins and recycling"),
            url="/bin-days/",
        ),
    )


@rate_limited("search", methods=("GET",))
def search(request):
    """Services matching what the resident typed, in their own words."""
    query = request.GET.get("q", "").strip()[:200]
    results = service_search(query, pages=searchable_pages()) if query else []
    return render(
        request,
        "portal/search.html",
        {"query": query, "results": results, "categories": categories_with_services()},
    )


def _service_or_404(slug: str) -> Service:
    service = service_get(slug)
    if service is None:
        raise Http404("No such service")
    return service


def _question_url(service: Service, question_id: str, *, change: bool = False) -> str:
    if question_id == CHECK_ANSWERS:
        return reverse("portal:check", args=[service.slug])
    url = reverse("portal:question", args=[service.slug, question_id])
    return f"{url}?change=1" if change else url


def _state_or_restart(request, service: Service) -> FormState | None:
    return Journeys(request.session, request.user).get(service)


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
        _, step = journey(service.form, state.answers)
        if isinstance(step, Exit):
            step = step.question_id
        return redirect(_question_url(service, step))
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


def _previous_url(service: Service, state: FormState, question: Question) -> str:
    path, _ = journey(service.form, state.answers)
    ids = [q.id for q in path]
    if question.id in ids and ids.index(question.id) > 0:
        return _question_url(service, ids[ids.index(question.id) - 1])
    return reverse("portal:start", args=[service.slug])


def _next_after_answer(service: Service, state: FormState, *, change: bool) -> str:
    path, step = journey(service.form, state.answers)
    if isinstance(step, Exit):
        return reverse("portal:exit", args=[service.slug, step.question_id])
    if change and step == CHECK_ANSWERS:
        return _question_url(service, CHECK_ANSWERS)
    return _question_url(service, step)


@require_http_methods(["GET", "POST"])
def question(request, slug: str, question_id: str):
    """One question, on its own page. Address and location questions have a postcode step."""
    service = _service_or_404(slug)
    state = _state_or_restart(request, service)
    if state is None:
        return redirect("portal:start", slug=service.slug)
    item = service.form.by_id.get(question_id)
    if item is None:
        raise Http404("No such question")
    path, _ = journey(service.form, state.answers)
    if item not in path:
        # Not reachable with the answers given so far: go to where the resident is up to.
        return redirect(_next_after_answer(service, state, change=False))

    change = request.GET.get("change") == "1" or request.POST.get("change") == "1"
    step = question_step(
        item,
        method=request.method,
        post=request.POST,
        files=request.FILES,
        query=request.GET,
        answers=state.answers,
        postcodes=state.postcodes,
    )
    journeys = Journeys(request.session, request.user)
    if request.POST.get("action") == "save" and journeys.user is not None:
        if step.saved or step.postcode_saved or not _answered(request, item.id):
            # "Save and come back later" does not make the resident answer this page first.
            journeys.save(service, state)
            return redirect("portal:saved", slug=service.slug)
    elif step.saved or step.postcode_saved:
        journeys.save(service, state)
        if step.postcode_saved:
            return HttpResponseRedirect(_question_url(service, item.id, change=change))
        return redirect(_next_after_answer(service, state, change=change))
    context = {
        **step.context,
        "service": service,
        "change": change,
        "back_url": _previous_url(service, state, item),
        "can_save": journeys.user is not None,
    }
    if step.asks_postcode:
        return render(request, "portal/question_postcode.html", context)
    return render(request, "portal/question.html", context)


def _answered(request, question_id: str) -> bool:
    """Did the resident enter anything for this question on the page just posted?"""
    typed = any(
        value.strip()
        for key, value in request.POST.items()
        if key == question_id or key.startswith(f"{question_id}-")
    )
    return typed or question_id in request.FILES


def _check_rows(service: Service, state: FormState) -> list[dict]:
    path, _ = journey(service.form, state.answers)
    places = Gazetteer()
    return [
        {
            "question": q,
            "value": display_answer(q, state.answers.get(q.id), places=places),
            "change_url": _question_url(service, q.id, change=True),
        }
        for q in path
    ]


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
    _, step = journey(service.form, state.answers)
    if step != CHECK_ANSWERS:
        return redirect(_next_after_answer(service, state, change=False))
    errors: dict[str, str] = {}
    if request.method == "POST":
        resident = resident_for_user(request.user)
        try:
            case = case_create(
                service=service,
                answers=state.answers,
                channel=Channel.WEB,
                resident=resident,
                actor=ResidentActor(
                    resident=resident,
                    user=request.user if request.user.is_authenticated else None,
                ),
                idempotency_key=f"web:{state.token}",
                form_session_token=state.token,
            )
        except CaseInvalid as invalid:
            errors = {f"change-{key}": message for key, message in invalid.errors.items()}
        else:
            journeys.finish(service, case.reference)
            return redirect("portal:confirmation", slug=service.slug)
    return render(
        request,
        "portal/check_answers.html",
        {
            "service": service,
            "rows": _check_rows(service, state),
            "errors": errors,
            "form_has_errors": bool(errors),
            "back_url": _question_url(service, journey(service.form, state.answers)[0][-1].id),
        },
    )


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
    state = _state_or_restart(request, service)
    if state is None:
        return redirect("portal:start", slug=service.slug)
    _, step = journey(service.form, state.answers)
    if not isinstance(step, Exit) or step.question_id != question_id:
        return redirect(_next_after_answer(service, state, change=False))
    form_session_finish(token=state.token, outcome=FormSession.Outcome.NOT_ELIGIBLE)
    return render(
        request,
        "portal/exit.html",
        {
            "service": service,
            "exit": step,
            "back_url": _question_url(service, question_id),
            "paragraphs": [p for p in step.body.split("\n\n") if p.strip()],
            "scores": FEEDBACK_SCORES,
            "feedback_given": _feedback_key(service, "not_eligible", None)
            in request.session.get(FEEDBACK_KEY, []),
        },
    )


def confirmation(request, slug: str):
    service = _service_or_404(slug)
    reference = Journeys(request.session, request.user).submitted_reference(service)
    if reference is None:
        return redirect("portal:start", slug=service.slug)
    return render(
        request,
        "portal/confirmation.html",
        {
            "service": service,
            "reference": reference,
            "follow_url": _follow_url(request, reference),
            "next_steps": service.paragraphs("what_happens_next"),
            "scores": FEEDBACK_SCORES,
            "feedback_given": _feedback_key(service, "submitted", reference)
            in request.session.get(FEEDBACK_KEY, []),
        },
    )


def _follow_url(request, reference: str) -> str:
    """Where the resident follows this request: MyAccount if it is theirs there, or else its
    tracking link."""
    case = case_by_reference(reference)
    if case is None:
        return ""
    if case.resident_id and case.resident.user_id == request.user.pk:
        return reverse("portal:my_request", args=[case.reference])
    return reverse("portal:track", args=[case.reference, case_tracking_token(case)])


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


@require_http_methods(["GET"])
def language(request, code: str):
    """Switch the resident's language and go back to the page they were on.

    A plain link rather than Django's ``set_language`` form: the switcher is on every page, and
    a form would need a CSRF token and so a session cookie on pages that otherwise set none.
    Changing one's own display language is harmless if a third party links to it.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def static_page(request, template: str):
    return render(request, f"portal/pages/{template}.html")


COLLECTION_WEEKS_SHOWN = 4
CALENDAR_DAYS = 366


def bin_days(request):
    """Find an address by postcode to see its bin collection days. No cookies, no session."""
    entered = request.GET.get("postcode", "")
    error, postcode = postcode_check(entered) if "postcode" in request.GET else (None, None)
    return render(
        request,
        "portal/bin_days.html",
        {
            "entered": entered,
            "postcode": postcode,
            "properties": properties_at_postcode(postcode) if postcode else [],
            "errors": {"postcode": error} if error else {},
            "form_has_errors": bool(error),
        },
    )


def _property_or_404(uprn: int):
    prop = property_get(uprn)
    if prop is None or not prop.is_current:
        raise Http404("No such address")
    return prop


def bin_days_at(request, uprn: int):
    """The next four weeks of collections at one address."""
    prop = _property_or_404(uprn)
    today = timezone.localdate()
    upcoming = collections_between(
        schedules_for(prop), today, today + dt.timedelta(weeks=COLLECTION_WEEKS_SHOWN)
    )
    days: dict[dt.date, list] = {}
    for collection in upcoming:
        days.setdefault(collection.day, []).append(collection)
    related = [service_get(slug) for slug in ("report-missed-bin", "request-new-bin")]
    return render(
        request,
        "portal/bin_days_at.html",
        {
            "property": prop,
            "days": list(days.items()),
            "today": today,
            "related": [service for service in related if service],
        },
    )


def bin_days_calendar(request, uprn: int):
    """A year of collections at one address as an iCalendar file."""
    prop = _property_or_404(uprn)
    today = timezone.localdate()
    upcoming = collections_between(
        schedules_for(prop), today, today + dt.timedelta(days=CALENDAR_DAYS)
    )
    if not upcoming:
        raise Http404("No collections at this address")
    response = HttpResponse(
        icalendar(prop, upcoming, council=settings.COUNCIL_NAME),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="bin-collections-{prop.uprn}.ics"'
    return response


def performance(request):
    """The council's headline KPIs, published as GOV.UK services publish theirs."""
    report = performance_figures()
    return render(
        request,
        "portal/performance.html",
        {
            "report": report,
            "months": [
                {
                    "month": row.month,
                    "transactions": show_count(row.figures.requests_raised),
                    "take_up": show_percent(row.figures.digital_take_up),
                    "completion": show_percent(row.figures.completion_rate),
                    "satisfaction": show_percent(row.figures.satisfaction),
                    "cost": show_money(row.figures.cost_per_transaction),
                    "registrations": show_count(row.figures.registrations),
                    "signed_in": show_average(row.figures.signed_in_a_day),
                }
                for row in report.months
            ],
            "headline": {
                "transactions": show_count(report.figures.requests_raised),
                "take_up": show_percent(report.figures.digital_take_up),
                "completion": show_percent(report.figures.completion_rate),
                "satisfaction": show_percent(report.figures.satisfaction),
                "cost": show_money(report.figures.cost_per_transaction),
                "registrations": show_count(report.figures.registrations),
                "signed_in": show_average(report.figures.signed_in_a_day),
            },
        },
    )
