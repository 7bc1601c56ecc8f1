"""Organisation accounts in MyAccount (issue 26): register one, see its members and its
requests, invite members by email (through Notify) and remove them, and accept an invitation.

Every action asks ``accounts.organisation_policies`` (inside ``accounts.organisations``); a
person who is not a member of an organisation gets a 404 for its page, so another
organisation's members, requests and even its existence stay hidden.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from borough.accounts.models import Organisation, OrganisationMember, OrganisationRole
from borough.accounts.organisation_policies import (
    may_act_for_organisation,
    may_manage_members,
    organisation_role,
)
from borough.accounts.organisations import (
    OrganisationInvalid,
    invite_accept,
    invite_create,
    invite_find,
    member_remove,
    organisation_create,
    organisations_of,
)
from borough.cases.models import Case
from borough.core.actors import ResidentActor
from borough.notify.services import send_email

REQUESTS_SHOWN = 50


def kind_choices() -> list[tuple[str, str]]:
    return [
        (Organisation.Kind.BUSINESS, _("A business")),
        (Organisation.Kind.CHARITY, _("A charity or community group")),
    ]


def role_choices() -> list[tuple[str, str]]:
    return [
        (OrganisationRole.MEMBER, _("Member: makes requests and sees the organisation's requests")),
        (OrganisationRole.ADMIN, _("Administrator: also invites and removes members")),
        (OrganisationRole.OWNER, _("Owner: also makes other owners")),
    ]


def role_label(role: str) -> str:
    labels: dict[str, str] = {
        OrganisationRole.OWNER.value: _("Owner"),
        OrganisationRole.ADMIN.value: _("Administrator"),
        OrganisationRole.MEMBER.value: _("Member"),
    }
    return labels.get(role, role)


def _actor(request) -> ResidentActor:
    if request.user.is_council_staff:
        raise Http404("Organisation accounts are for residents and businesses")
    return ResidentActor(user=request.user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_organisations(request):
    """Your organisations, and registering a new one (you become its owner)."""
    actor = _actor(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            organisation = organisation_create(
                actor,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                email=request.POST.get("email", ""),
            )
        except OrganisationInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": organisation.name})
            return redirect("portal:organisation", pk=organisation.pk)
    return render(
        request,
        "portal/organisations/list.html",
        {
            "members": organisations_of(request.user),
            "kinds": kind_choices(),
            "errors": errors,
            "entered": request.POST,
        },
    )


def _organisation_for(request, pk: int) -> tuple[Organisation, ResidentActor]:
    actor = _actor(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    if not may_act_for_organisation(actor, organisation):
        raise Http404("Not a member")  # another organisation's page does not exist for you
    return organisation, actor


def _page(request, organisation, actor, *, errors=None, status=200):
    members = list(organisation.members.select_related("user").order_by("user__email"))
    return render(
        request,
        "portal/organisations/page.html",
        {
            "organisation": organisation,
            "my_role": role_label(organisation_role(request.user, organisation) or ""),
            "members": [{"member": m, "role": role_label(m.role)} for m in members],
            "manage": may_manage_members(actor, organisation),
            "requests": Case.objects.filter(organisation=organisation)
            .select_related("service")
            .order_by("-created_at")[:REQUESTS_SHOWN],
            "roles": role_choices(),
            "errors": errors or {},
            "entered": request.POST,
        },
        status=status,
    )


@never_cache
@login_required
def organisation_page(request, pk: int):
    organisation, actor = _organisation_for(request, pk)
    return _page(request, organisation, actor)


@login_required
@require_POST
def organisation_invite(request, pk: int):
    """Invite someone by email; the link goes through Notify (the outbox keeps it)."""
    organisation, actor = _organisation_for(request, pk)
    try:
        invite, token = invite_create(
            actor,
            organisation,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", ""),
        )
    except PermissionDenied:
        raise
    except OrganisationInvalid as invalid:
        return _page(request, organisation, actor, errors=invalid.errors, status=400)
    send_email(
        to=invite.email,
        template_key="organisation_invite",
        context={
            "organisation": organisation.name,
            "invited_by": request.user.get_full_name() or request.user.email,
            "role": role_label(invite.role).lower(),
            "accept_url": settings.SITE_URL + reverse("portal:organisation_join", args=[token]),
        },
    )
    messages.success(
        request, _("We have emailed an invitation to %(email)s.") % {"email": invite.email}
    )
    return redirect("portal:organisation", pk=organisation.pk)


@login_required
@require_POST
def organisation_member_remove(request, pk: int, member_pk: int):
    organisation, actor = _organisation_for(request, pk)
    member = get_object_or_404(OrganisationMember, pk=member_pk, organisation=organisation)
    try:
        member_remove(actor, member)
    except OrganisationInvalid as invalid:
        return _page(request, organisation, actor, errors=invalid.errors, status=400)
    if member.user_id == request.user.pk:
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
        return redirect("portal:my_organisations")
    messages.success(request, _("%(email)s is no longer a member.") % {"email": member.user.email})
    return redirect("portal:organisation", pk=organisation.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def organisation_join(request, token: str):
    """Accept an emailed invitation: see whose it is, then join (a POST, so a link checker
    following the email's link joins nobody)."""
    _actor(request)
    invite = invite_find(token)
    if invite is None:
        return render(request, "portal/organisations/join_invalid.html", status=404)
    if request.method == "POST":
        organisation = invite_accept(request.user, token)
        if organisation is None:
            return render(request, "portal/organisations/join_invalid.html", status=404)
        messages.success(
            request, _("You are now a member of %(name)s.") % {"name": organisation.name}
        )
        return redirect("portal:organisation", pk=organisation.pk)
    return render(
        request,
        "portal/organisations/join.html",
        {"invite": invite, "role": role_label(invite.role)},
    )
