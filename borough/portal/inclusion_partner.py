"""Partner pages (issue 26): a library's or charity's members, signed in, nominate residents
for a device and book them on skills sessions. They see only their own partner's nominations
(``accounts.inclusion_policies``); another partner's nomination is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from borough.core.actors import ResidentActor
from borough.inclusion import selectors, sessions
from borough.inclusion import services as lending
from borough.inclusion.errors import Invalid
from borough.inclusion.models import (
    Booking,
    DeviceKind,
    EligibilityRule,
    Nomination,
    Partner,
    SkillsSession,
)


def _partners(request):
    if request.user.is_council_staff:
        raise Http404("Staff nominate in the hub")
    partners = list(Partner.objects.for_member(request.user))
    if not partners:
        raise Http404("Not a member of a partner")
    return partners


def _actor(request) -> ResidentActor:
    return ResidentActor(user=request.user)


@login_required
@never_cache
def partner_home(request):
    partners = _partners(request)
    return render(
        request,
        "portal/inclusion/partner_home.html",
        {"rows": [(p, selectors.partner_nominations(p)) for p in partners]},
    )


@login_required
@never_cache
def partner_nominate(request, partner_id: int):
    partner = get_object_or_404(Partner.objects.for_member(request.user), pk=partner_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        try:
            lending.nominate_new(
                actor=_actor(request),
                partner=partner,
                first_name=post.get("first_name", ""),
                last_name=post.get("last_name", ""),
                email=post.get("email", ""),
                phone=post.get("phone", ""),
                kind_wanted=post.get("kind_wanted", ""),
                reason=post.get("reason", ""),
                rule_ids=[int(v) for v in post.getlist("rules") if v.isdigit()],
                consent=post.get("consent") == "yes",
            )
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(
                request, _("Thank you. The council will decide and tell you and the resident.")
            )
            return redirect("portal:partner_home")
    return render(
        request,
        "portal/inclusion/partner_nominate.html",
        {
            "partner": partner,
            "kinds": DeviceKind.choices,
            "rules": EligibilityRule.objects.filter(active=True),
            "errors": errors,
            "posted": request.POST,
            "posted_rules": request.POST.getlist("rules"),
        },
        status=400 if errors else 200,
    )


@login_required
@never_cache
def partner_book(request, nomination_id: int):
    partners = _partners(request)
    nomination = get_object_or_404(
        Nomination.objects.select_related("resident"), pk=nomination_id, partner__in=partners
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        session = SkillsSession.objects.filter(pk=request.POST.get("session") or 0).first()
        try:
            if session is None:
                raise Invalid({"session": _("Select a session")})
            sessions.book(
                actor=_actor(request),
                session=session,
                resident=nomination.resident,
                channel=Booking.Channel.PARTNER,
            )
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(
                request,
                _("%(name)s is booked on %(title)s.")
                % {"name": nomination.resident.full_name, "title": session.title},
            )
            return redirect("portal:partner_home")
    return render(
        request,
        "portal/inclusion/partner_book.html",
        {
            "nomination": nomination,
            "sessions": selectors.sessions_ahead(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
