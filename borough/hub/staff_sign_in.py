"""Staff sign-in in the hub: admins see who has set up an authenticator app and send set-up
links to those who have not (borough.accounts.enrolment). Staff cannot set one up otherwise."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borough.accounts.enrolment import (
    LINK_HOURS,
    EnrolmentRefused,
    mfa_enrolment_link_send,
    staff_sign_in_list,
)
from borough.accounts.models import User
from borough.accounts.policies import can_send_mfa_enrolment_links
from borough.core.actors import StaffActor

from .access import staff_required


@staff_required
def staff_sign_in(request):
    if not can_send_mfa_enrolment_links(request.user):
        raise PermissionDenied
    return render(
        request, "hub/staff_sign_in.html", {"staff": staff_sign_in_list(), "hours": LINK_HOURS}
    )


@require_POST
@staff_required
def staff_set_up_link_send(request, user_id: int):
    member = User.objects.filter(pk=user_id, kind=User.Kind.STAFF, is_active=True).first()
    if member is None:
        raise Http404
    try:
        mfa_enrolment_link_send(staff_member=member, actor=StaffActor(request.user))
    except EnrolmentRefused:
        messages.error(request, f"{member.email} already has an authenticator app")
    else:
        messages.success(
            request,
            f"A set-up link was emailed to {member.email}. It works once, for {LINK_HOURS} hours",
        )
    return redirect("hub:staff_sign_in")
