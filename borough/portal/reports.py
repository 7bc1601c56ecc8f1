"""Public report pages, "this is my problem too", and alerts (issue 25).

A report's public page shows only what ``cases.public`` allows (nothing personal). Alerts follow
a report, its street or the area around it; the emails' links confirm and end them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from borough.cases.alerts import (
    AREA_RADII,
    alert_by_text,
    alert_confirm,
    alert_end,
    alert_start,
    texts_available,
)
from borough.cases.errors import TransitionRefused
from borough.cases.models import Alert
from borough.cases.public import (
    case_support,
    public_case,
    public_report,
    public_updates,
    supporter_key,
)
from borough.core.actors import ResidentActor
from borough.core.ratelimit import rate_limited

from .map_pages import map_settings

SUPPORTED_KEY = "borough_supported"


def _case_or_404(reference: str):
    case = public_case(reference)
    if case is None:
        raise Http404("No such public report")
    return case


def _actor(request) -> ResidentActor:
    return ResidentActor(user=request.user if request.user.is_authenticated else None)


def report(request, reference: str):
    """A report's public page: what, where, when, its status and its public updates."""
    case = _case_or_404(reference)
    shown = public_report(case)
    config = None
    if shown.latitude is not None:
        config = {
            **map_settings(),
            "centre": [shown.latitude, shown.longitude],
            "zoom": 17,
            "markers": [{"lat": shown.latitude, "lon": shown.longitude, "label": shown.reference}],
        }
    return render(
        request,
        "portal/report.html",
        {
            "report": shown,
            "updates": public_updates(case),
            "supported": shown.reference in request.session.get(SUPPORTED_KEY, []),
            "map_config": config,
            "texts_available": texts_available(),
        },
    )


@require_http_methods(["POST"])
@rate_limited("submit")
def report_support(request, reference: str):
    """ "This is my problem too": the resident is added to the report instead of a duplicate."""
    case = _case_or_404(reference)
    if not request.session.session_key:
        request.session.save()
    key = supporter_key(user=request.user, session_key=request.session.session_key or "")
    if not case.is_open or request.user.is_authenticated and request.user.is_council_staff:
        messages.error(request, _("This report is closed, so it cannot be supported"))
        return redirect("portal:report", reference=case.reference)
    added = case_support(case=case, actor=_actor(request), key=key)
    request.session[SUPPORTED_KEY] = [
        *request.session.get(SUPPORTED_KEY, [])[-49:],
        case.reference,
    ]
    if added:
        messages.success(
            request, _("Thank you: we have added you to report %(ref)s") % {"ref": case.reference}
        )
    else:
        messages.success(request, _("You have already told us about this problem"))
    return redirect("portal:report", reference=case.reference)


@require_http_methods(["GET", "POST"])
@rate_limited("submit", methods=("POST",))
def alert_new(request, reference: str):
    """Get emails about a report, its street or the area around it."""
    case = _case_or_404(reference)
    shown = public_report(case)
    street = case.street or (case.property.usrn if case.property is not None else None)
    errors: dict[str, str] = {}
    entered = {
        "email": request.user.email if request.user.is_authenticated else "",
        "kind": Alert.Kind.REPORT,
        "channel": Alert.Channel.EMAIL,
        "phone": "",
    }
    if request.method == "POST":
        entered = {
            key: request.POST.get(key, "")[:254] for key in ("email", "kind", "channel", "phone")
        }
        kind, _sep, radius = entered["kind"].partition("-")
        if (
            kind not in Alert.Kind.values
            or kind == Alert.Kind.STREET
            and street is None
            or kind == Alert.Kind.AREA
            and case.latitude is None
        ):
            errors["kind"] = _("Choose what you want emails about")
        else:
            try:
                alert = alert_start(
                    actor=_actor(request),
                    kind=kind,
                    email=entered["email"],
                    channel=entered["channel"] or Alert.Channel.EMAIL,
                    phone=entered["phone"],
                    case=case,
                    street=street,
                    latitude=float(case.latitude) if case.latitude is not None else None,
                    longitude=float(case.longitude) if case.longitude is not None else None,
                    radius_metres=int(radius) if radius.isdigit() else None,
                )
            except TransitionRefused as refused:
                errors[refused.field or "email"] = str(refused)
            else:
                return render(
                    request,
                    "portal/alert_started.html",
                    {"report": shown, "alert": alert, "confirmed": alert.confirmed_at is not None},
                )
    return render(
        request,
        "portal/alert_new.html",
        {
            "report": shown,
            "street": street,
            "has_point": case.latitude is not None,
            "radii": [(f"area-{metres}", metres) for metres in AREA_RADII],
            "entered": entered,
            "errors": errors,
            "form_has_errors": bool(errors),
            "texts_available": texts_available(),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def alert_confirm_page(request, token: str):
    """The confirmation link: a button, so a mail scanner opening the link starts nothing."""
    if request.method == "POST":
        alert = alert_confirm(token)
        if alert is None:
            return render(request, "portal/alert_link_invalid.html", status=404)
        return render(
            request,
            "portal/alert_done.html",
            {"started": True, "by_text": alert.channel == Alert.Channel.SMS},
        )
    return render(
        request,
        "portal/alert_confirm.html",
        {"token": token, "by_text": alert_by_text(token, "confirm")},
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or token
@require_http_methods(["GET", "POST"])
def alert_end_page(request, token: str):
    """Unsubscribe: a page with one button, and the RFC 8058 one-click POST (the signed link is
    the permission)."""
    if request.method == "POST":
        alert = alert_end(token, actor=ResidentActor())
        if alert is None:
            return render(request, "portal/alert_link_invalid.html", status=404)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(
            request,
            "portal/alert_done.html",
            {"started": False, "by_text": alert.channel == Alert.Channel.SMS},
        )
    return render(
        request,
        "portal/alert_end.html",
        {
            "token": token,
            "action": reverse("portal:alert_end", args=[token]),
            "by_text": alert_by_text(token, "end"),
        },
    )
