"""The call queue, one call, callbacks and the wallboard (issue 21, points 5 and 6).

Agents (and anyone above) see the calls waiting on the lines they may see, most urgent first
(safeguarding, signs of vulnerability, needs recorded with consent, then the longest wait),
take one (the gateway then bridges it to their SIP address or the line's Teams queue), and
read its transcript, the signs and the caller's record (audited). Pages work without
JavaScript; the queue and wallboard have a link to check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from borough.accounts.telephony_policies import can_handle_calls, can_handle_line
from borough.cases.errors import NotAllowed
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.telephony.models import AgentPhone, Callback, CallPriority, QueueEntry
from borough.telephony.selectors import (
    ANSWER_TARGET_SECONDS,
    call_get,
    call_transcript,
    callbacks_due,
    taken_calls,
    waiting_entries,
    wallboard,
)
from borough.telephony.services import (
    CallInvalid,
    agent_phone_save,
    call_take,
    callback_done,
    transfer_whisper,
)

from .access import staff_required

PRIORITY_TAGS = {
    CallPriority.URGENT: ("Urgent: safeguarding", "govuk-tag--red"),
    CallPriority.VULNERABILITY: ("Signs of vulnerability", "govuk-tag--orange"),
    CallPriority.RECORDED_NEEDS: ("Needs recorded", "govuk-tag--yellow"),
    CallPriority.NORMAL: ("Normal", "govuk-tag--grey"),
}


def _allowed(request) -> None:
    if not can_handle_calls(request.user):
        raise PermissionDenied


def _my_phone(user) -> str:
    phone = AgentPhone.objects.filter(user=user).first()
    return phone.sip_address if phone else ""


@staff_required
def queue(request, errors: dict | None = None, entered: str | None = None):
    """Calls waiting for a person, then calls agents have taken, and the agent's own phone."""
    _allowed(request)
    return render(
        request,
        "hub/calls_queue.html",
        {
            "waiting": [
                (e, *PRIORITY_TAGS[CallPriority(e.priority)]) for e in waiting_entries(request.user)
            ],
            "taken": taken_calls(request.user),
            "my_phone": _my_phone(request.user) if entered is None else entered,
            "errors": errors or {},
        },
    )


@staff_required
@require_POST
def my_phone(request):
    """Save the SIP address calls this member of staff takes are bridged to."""
    _allowed(request)
    sip_address = request.POST.get("sip_address", "")
    try:
        agent_phone_save(actor=StaffActor(request.user), sip_address=sip_address)
    except CallInvalid as invalid:
        return queue.__wrapped__(request, errors={"sip_address": str(invalid)}, entered=sip_address)
    messages.success(request, "Your phone for transfers is saved")
    return redirect("hub:calls")


def _call_or_404(request, call_id: int):
    call = call_get(call_id)
    if call is None:
        raise Http404("No such call")
    if not can_handle_line(request.user, call.line):
        raise PermissionDenied
    return call


@staff_required
def call_page(request, call_id: int, errors: dict | None = None):
    """One call: who and why (read before the gateway bridges it), the signs, the transcript
    and the caller's record. Every opening is audited as a view of personal data."""
    _allowed(request)
    call = _call_or_404(request, call_id)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="call",
        object_id=call.pk,
        resident_id=call.resident_id,
        summary=f"call {call.pk}",
    )
    needs = []
    if call.resident_id:
        audit_record(
            actor=request.user,
            action="viewed",
            object_type="resident",
            object_id=call.resident_id,
            resident_id=call.resident_id,
            summary=f"resident {call.resident_id} in call {call.pk}",
        )
        needs = list(call.resident.needs.filter(withdrawn_at=None))
    entry = QueueEntry.objects.filter(call=call).first()
    label, tag = PRIORITY_TAGS[CallPriority(call.priority)]
    return render(
        request,
        "hub/call.html",
        {
            "call": call,
            "entry": entry,
            "whisper": transfer_whisper(call),
            "priority_label": label,
            "priority_tag": tag,
            "transcript": call_transcript(call),
            "needs": needs,
            "callbacks": list(Callback.objects.filter(call=call).order_by("due_at")),
            "can_take": entry is not None and entry.waiting and call.ended_at is None,
            "errors": errors or {},
        },
    )


@staff_required
@require_POST
def call_take_view(request, call_id: int):
    """Take the call: the gateway bridges it to the agent's phone (or the line's Teams queue)."""
    _allowed(request)
    call = _call_or_404(request, call_id)
    try:
        call = call_take(call=call, actor=StaffActor(request.user))
    except NotAllowed:
        raise PermissionDenied from None
    except CallInvalid as invalid:
        return call_page.__wrapped__(request, call_id, errors={"take": str(invalid)})
    messages.success(request, f"Call taken: it is being put through to {call.transfer_to}")
    return redirect("hub:call", call_id=call.pk)


@staff_required
def callbacks(request):
    """Call backs callers chose, soonest first."""
    _allowed(request)
    return render(
        request,
        "hub/calls_callbacks.html",
        {"callbacks": callbacks_due(request.user), "now": timezone.now()},
    )


@staff_required
@require_POST
def callback_done_view(request, callback_id: int):
    _allowed(request)
    callback = Callback.objects.select_related("call__line").filter(pk=callback_id).first()
    if callback is None:
        raise Http404("No such call back")
    try:
        callback_done(callback=callback, actor=StaffActor(request.user))
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, "Call back marked as made")
    return redirect("hub:calls_callbacks")


@staff_required
def board(request):
    """Today's figures for each line and queue. It does not refresh itself: the page has a
    link to check again."""
    _allowed(request)
    return render(
        request,
        "hub/calls_wallboard.html",
        {"boards": wallboard(request.user), "target": ANSWER_TARGET_SECONDS},
    )
