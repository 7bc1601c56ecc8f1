"""Resident-facing pages: find a service, answer its questions one per page, submit."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from borough.cases.services import CaseInvalid, case_create
from borough.catalogue.answers import AnswerError, Exit, clean_answer, display_answer, journey
from borough.catalogue.definitions import CHECK_ANSWERS, Question
from borough.catalogue.models import Service
from borough.catalogue.selectors import categories_with_services, service_get
from borough.contacts.models import FormSession
from borough.contacts.services import form_session_finish, form_session_start
from borough.core.channels import Channel
from borough.places.postcodes import normalise_postcode
from borough.places.selectors import Gazetteer, properties_at_postcode, streets_at_postcode

from .inputs import raw_answer
from .journey import FormState, Journeys


def home(request):
    return render(request, "portal/home.html", {"categories": categories_with_services()})


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
    return Journeys(request.session).get(service)


@csrf_exempt  # starting a form changes nothing but the visitor's own session
@require_http_methods(["GET", "POST"])
def service_start(request, slug: str):
    """The start page. Pressing 'Start now' begins a form session (a POST, so crawlers don't).

    The start page sets no cookie: the session (and its CSRF token) begins with the form.
    """
    service = _service_or_404(slug)
    if request.method == "POST":
        journeys = Journeys(request.session)
        state = journeys.get(service)
        if state is None:
            session = form_session_start(service=service, channel=Channel.WEB)
            state = journeys.start(service, str(session.token))
        _, step = journey(service.form, state.answers)
        if isinstance(step, Exit):
            step = step.question_id
        return redirect(_question_url(service, step))
    in_progress = Journeys(request.session).get(service) is not None
    return render(request, "portal/start.html", {"service": service, "in_progress": in_progress})


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
    journeys = Journeys(request.session)
    errors: dict[str, str] = {}
    entered = None
    needs_place = item.type in {"address", "location"}
    postcode = state.postcodes.get(item.id, "")
    want_postcode = needs_place and (not postcode or request.GET.get("postcode") == "change")

    if request.method == "POST" and request.POST.get("step") == "postcode" and needs_place:
        entered = request.POST.get("postcode", "")
        normalised = normalise_postcode(entered)
        if not entered.strip():
            errors["postcode"] = "Enter a postcode"
        elif normalised is None:
            errors["postcode"] = "Enter a real postcode, like UB8 1UW"
        elif not properties_at_postcode(normalised):
            errors["postcode"] = (
                f"We cannot find any addresses at {normalised}. Check the "
                "postcode is right and in this council's area"
            )
        else:
            state.postcodes[item.id] = normalised
            journeys.save(service, state)
            url = _question_url(service, item.id, change=change)
            return HttpResponseRedirect(url)
        want_postcode = True
    elif request.method == "POST":
        try:
            raw = raw_answer(item, request.POST, request.FILES)
            if item.type == "file" and raw is None and state.answers.get(item.id):
                raw = state.answers[item.id]  # no new file chosen: keep the one uploaded
            value = clean_answer(item, raw, places=Gazetteer())
        except AnswerError as error:
            errors[item.id] = str(error)
            entered = request.POST
        else:
            state.answers[item.id] = value
            journeys.save(service, state)
            return redirect(_next_after_answer(service, state, change=change))

    context = {
        "service": service,
        "question": item,
        "errors": errors,
        "form_has_errors": bool(errors),
        "error": errors.get(item.id),
        "postcode_error": errors.get("postcode"),
        "change": change,
        "back_url": _previous_url(service, state, item),
        "value": _shown_value(item, entered, state.answers.get(item.id)),
    }
    if needs_place and want_postcode:
        context["postcode"] = entered if entered is not None else postcode
        return render(request, "portal/question_postcode.html", context)
    if needs_place:
        context["postcode"] = postcode
        context["properties"] = properties_at_postcode(postcode)
        if item.type == "location":
            context["street_choices"] = [
                (f"usrn:{street.usrn}", f"Somewhere on {street.name}")
                for street in streets_at_postcode(postcode)
            ]
            context["property_choices"] = [
                (f"uprn:{prop.uprn}", prop.single_line) for prop in context["properties"]
            ]
    template = f"questions/{item.type}.html"
    return render(request, "portal/question.html", {**context, "question_template": template})


def _shown_value(item: Question, entered, answer):
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
def check_answers(request, slug: str):
    """Check your answers, then submit. A second submit of the same form makes no second case."""
    service = _service_or_404(slug)
    journeys = Journeys(request.session)
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
        try:
            case = case_create(
                service=service,
                answers=state.answers,
                channel=Channel.WEB,
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
        },
    )


def confirmation(request, slug: str):
    service = _service_or_404(slug)
    reference = Journeys(request.session).submitted_reference(service)
    if reference is None:
        return redirect("portal:start", slug=service.slug)
    return render(
        request,
        "portal/confirmation.html",
        {
            "service": service,
            "reference": reference,
            "next_steps": service.paragraphs("what_happens_next"),
        },
    )


def static_page(request, template: str):
    return render(request, f"portal/pages/{template}.html")
