"""The community directory for residents (issue 26): find help by need, words and postcode;
one service's page; and, for organisations' representatives, proposing a new service or a
change, which the council's directory team reviews before anything is published."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from borough.assistant.helpfinders import HelpOffer
from borough.catalogue.journey import postcode_check
from borough.core.actors import ResidentActor
from borough.core.ratelimit import rate_limited
from borough.directory.models import Organisation
from borough.directory.selectors import (
    help_for,
    organisations_of,
    postcode_point,
    proposals_of,
    search,
    service_get,
    term_get,
    terms,
)
from borough.directory.services import (
    DAYS,
    ProposalInvalid,
    invite_accept,
    invite_organisation,
    proposal_create,
    snapshot,
)
from borough.places.selectors import example_postcode

from .request_page import signed_in_resident


def day_names() -> dict[str, str]:
    return {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }


@rate_limited("search", methods=("GET",))
def directory_search(request):
    """Find local help: by need, by words, near a postcode. A GET form: no cookies, no JS."""
    need = request.GET.get("need", "")
    words = request.GET.get("words", "").strip()[:100]
    entered = request.GET.get("postcode", "").strip()
    errors: dict[str, str] = {}
    near = None
    searched = any(name in request.GET for name in ("need", "words", "postcode"))
    if need and term_get(need) is None:
        errors["need"] = _("Choose a need from the list")
    if entered:
        error, postcode = postcode_check(entered)
        if error or postcode is None:
            errors["postcode"] = error or _("Enter a postcode")
        else:
            near = postcode_point(postcode)
    results = None
    if searched and not errors:
        results = search(words=words, need=need, near=near)
    return render(
        request,
        "portal/directory/search.html",
        {
            "terms": terms(),
            "need": need,
            "words": words,
            "entered": entered,
            "errors": errors,
            "form_has_errors": bool(errors),
            "results": results,
            "near": near,
            "example_postcode": example_postcode(),
            "day_names": day_names(),
        },
    )


def directory_service(request, service_id):
    service = service_get(service_id)
    if service is None:
        raise Http404("No such service")
    names = day_names()
    schedules = [
        {"days": [names[d] for d in s.byday.split(",") if d in names], "schedule": s}
        for s in service.schedules.all()
    ]
    return render(
        request, "portal/directory/service.html", {"service": service, "schedules": schedules}
    )


@never_cache
@login_required
def your_organisations(request):
    """The organisations this resident represents, their services and proposed changes."""
    organisations = [
        {
            "organisation": org,
            "services": org.services.order_by("name"),
            "proposals": proposals_of(org)[:20],
        }
        for org in organisations_of(request.user)
    ]
    return render(request, "portal/directory/organisations.html", {"organisations": organisations})


def _actor(request) -> ResidentActor:
    return ResidentActor(resident=signed_in_resident(request), user=request.user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def propose(request, organisation_id):
    organisation = organisations_of(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("You do not represent that organisation")
    service = None
    if request.GET.get("service"):
        service = (
            organisation.services.filter(pk=request.GET["service"]).first()
            if _is_uuid(request.GET["service"])
            else None
        )
        if service is None:
            raise Http404("No such service")
    entered = snapshot(service)
    errors: dict[str, str] = {}
    if request.method == "POST":
        entered = {
            **request.POST.dict(),
            "days": request.POST.getlist("days"),
            "needs": request.POST.getlist("needs"),
        }
        try:
            proposal_create(_actor(request), organisation, entered, service=service)
        except ProposalInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(
                request, _("Change sent. The council checks it before it is published.")
            )
            return redirect("portal:directory_organisations")
    return render(
        request,
        "portal/directory/propose.html",
        {
            "organisation": organisation,
            "service": service,
            "entered": entered,
            "errors": errors,
            "form_has_errors": bool(errors),
            "terms": terms(),
            "days": DAYS,
            "day_names": day_names(),
            "locations": organisation.locations.all(),
        },
    )


def _is_uuid(text: str) -> bool:
    return len(text) == 36 and all(ch in "0123456789abcdef-" for ch in text.lower())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """An invite link from the directory team: confirm, then represent the organisation."""
    organisation: Organisation | None = invite_organisation(token)
    if request.method == "POST" and organisation is not None:
        invite_accept(request.user, token)
        messages.success(
            request, _("You can now propose changes for %(name)s") % {"name": organisation.name}
        )
        return redirect("portal:directory_organisations")
    return render(
        request,
        "portal/directory/join.html",
        {"organisation": organisation},
        status=200 if organisation else 404,
    )


def directory_help(topic: str) -> list[HelpOffer]:
    """The assistant's answer to "where can I get help with ..." (registered in ``apps``)."""
    return [
        HelpOffer(
            title=service.name,
            provider=service.organisation.name,
            url=reverse("portal:directory_service", args=[service.pk]),
        )
        for service in help_for(topic)
    ]
