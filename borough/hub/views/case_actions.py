"""The actions on the case page, as a table: each action's form, the ``cases`` action it calls
and what the page says when it is done. Who may use each is the action's own question (it
raises ``NotAllowed``, answered with 403)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from borough.accounts.policies import can_see_case
from borough.cases.delivery import next_update_delivery
from borough.cases.errors import CaseChanged, TransitionRefused
from borough.cases.models import Case, Status
from borough.cases.relations import case_link, case_mark_duplicate, case_unlink
from borough.cases.selectors import case_by_reference
from borough.cases.workflow import (
    case_add_note,
    case_assign,
    case_record_time,
    case_send_update,
    case_set_priority,
    case_transfer,
    case_transition,
)
from borough.catalogue.fees import pounds
from borough.core.actors import StaffActor
from borough.payments.refunds import payment_refund
from borough.payments.selectors import case_payment

from .. import forms
from ..access import staff_required
from .case import case_or_404, render_case


@dataclass(frozen=True)
class Done:
    message: str  # what the page says
    case: Case  # the case as the action left it


@dataclass(frozen=True)
class CaseAction:
    form: type[forms.CaseActionForm]
    run: Callable[[StaffActor, Case, dict], Done]
    field: str  # the input a refusal is about, unless it names another
    # Where the page shows an error about a form field or an action's input, when its id
    # differs from the name: form field or input -> id.
    inputs: dict[str, str] = dataclasses.field(default_factory=dict)
    may_move_case_away: bool = False  # the officer may no longer see the case afterwards


def _assign(actor, case, data) -> Done:
    assignee = data["assignee"]
    case_assign(case=case, assignee=assignee, actor=actor, expected_version=data["version"])
    return Done(f"Assigned to {assignee}" if assignee else "The case is not assigned", case)


def _status(actor, case, data) -> Done:
    case_transition(
        case=case,
        to_state=data["status"],
        actor=actor,
        resolution=data["resolution"],
        note=data["status_note"],
        expected_version=data["version"],
    )
    return Done(f"Status changed to {case.service.flow.label(data['status']).lower()}", case)


def _priority(actor, case, data) -> Done:
    case_set_priority(
        case=case, priority=data["priority"] or 0, actor=actor, expected_version=data["version"]
    )
    return Done("Priority changed", case)


def _note(actor, case, data) -> Done:
    public = data["visibility"] == "public"
    case_add_note(
        case=case,
        text=data["text"],
        actor=actor,
        public=public,
        expected_version=data["version"],
    )
    return Done(_sent("Update sent to the resident", case) if public else "Note added", case)


def _sent(words: str, case, changed: str = "") -> str:
    """``words`` when the update reaches the resident; otherwise what really happened to it,
    never "sent" to a resident the council cannot reach (issue 17, point 13)."""
    delivery = next_update_delivery(case)
    if delivery.reached:
        return words
    shown = "The update is on the resident’s request page only"
    lead = f"Status changed to {changed}. " if changed else ""
    return f"{lead}{shown}. {delivery.words}"


def _update(actor, case, data) -> Done:
    to_status = data["update_status"]
    case_send_update(
        case=case,
        text=data["update_text"],
        actor=actor,
        to_status=to_status,
        resolution=data["update_resolution"],
        template=data["template"],
        expected_version=data["version"],
    )
    target = case.service.flow.state(to_status) if to_status else None
    if target is not None and target.key != case.current_state.key:
        changed = target.label.lower()
        return Done(_sent(f"Update sent and status changed to {changed}", case, changed), case)
    if to_status in Status.values and to_status != case.status:
        changed = Status(to_status).label.lower()
        return Done(_sent(f"Update sent and status changed to {changed}", case, changed), case)
    return Done(_sent("Update sent to the resident", case), case)


def _time(actor, case, data) -> Done:
    event = case_record_time(
        case=case,
        actor=actor,
        minutes=data["minutes"],
        note=data["time_note"],
        letter=data["letter"] == "yes",
        expected_version=data["version"],
    )
    return Done(event.headline[:1].upper() + event.headline[1:], case)


def _duplicate(actor, case, data) -> Done:
    case = case_mark_duplicate(
        case=case, original=data["other"], actor=actor, expected_version=data["version"]
    )
    return Done(f"Closed as a duplicate of {case.duplicate_of.reference}", case)


def _link(actor, case, data) -> Done:
    other = data["other"]
    case_link(
        case=case,
        other=other,
        actor=actor,
        reason=data["link_reason"],
        expected_version=data["version"],
    )
    return Done(f"Linked to {other.reference}", case)


def _unlink(actor, case, data) -> Done:
    other = data["other"]
    case_unlink(case=case, other=other, actor=actor, expected_version=data["version"])
    return Done(f"No longer linked to {other.reference}", case)


def _transfer(actor, case, data) -> Done:
    team = data["team"]
    case = case_transfer(
        case=case,
        team=team,
        reason=data["transfer_reason"],
        actor=actor,
        expected_version=data["version"],
    )
    return Done(f"Transferred to the {team} team", case)


def _refund(actor, case, data) -> Done:
    payment = case_payment(case)
    if payment is None:
        raise TransitionRefused("This request was not paid for")
    refund = payment_refund(
        actor=actor,
        payment=payment,
        amount_pence=data["refund_amount"],
        reason=data["refund_reason"],
    )
    return Done(f"Refunded {pounds(refund.amount_pence)}", case)


ACTIONS: dict[str, CaseAction] = {
    "assign": CaseAction(forms.AssignForm, _assign, "assignee"),
    "status": CaseAction(forms.StatusForm, _status, "status"),
    "priority": CaseAction(forms.PriorityForm, _priority, "priority"),
    "note": CaseAction(forms.NoteForm, _note, "text"),
    "update": CaseAction(forms.UpdateForm, _update, "update_status", {"text": "update_text"}),
    "time": CaseAction(forms.TimeForm, _time, "minutes", {"time_note": "time_note"}),
    "duplicate": CaseAction(
        forms.DuplicateForm, _duplicate, "original_reference", {"original": "original_reference"}
    ),
    "link": CaseAction(forms.LinkForm, _link, "other_reference", {"reason": "link_reason"}),
    "unlink": CaseAction(forms.UnlinkForm, _unlink, "links", {"other": "links"}),
    "transfer": CaseAction(
        forms.TransferForm,
        _transfer,
        "team",
        {"reason": "transfer_reason"},
        may_move_case_away=True,
    ),
    "refund": CaseAction(forms.RefundForm, _refund, "refund_amount"),
}


def _refused(request, case, errors: dict[str, str], *, status: int = 200):
    """The case page as it is now, with what was wrong and what was typed."""
    return render_case(
        request,
        case_by_reference(case.reference),
        errors=errors,
        status=status,
        entered=request.POST,
    )


@staff_required
@require_POST
def case_action(request, reference: str, action: str):
    """Assign, change status, set priority, add a note or an update, record time, mark as a
    duplicate, link or unlink, or transfer: one ``cases`` action each (``ACTIONS``)."""
    case = case_or_404(request, reference)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action")
    form = spec.form(request.POST, case=case, user=request.user)
    if not form.is_valid():
        errors = {
            spec.inputs.get(name, name): str(errors[0]) for name, errors in form.errors.items()
        }
        return _refused(request, case, errors)
    try:
        done = spec.run(StaffActor(request.user), case, form.cleaned_data)
    except (TransitionRefused, CaseChanged) as error:
        where = spec.inputs.get(getattr(error, "field", ""), spec.field)
        return _refused(
            request,
            case,
            {where: str(error)},
            status=409 if isinstance(error, CaseChanged) else 200,
        )
    messages.success(request, done.message)
    if spec.may_move_case_away and not can_see_case(request.user, done.case):
        return redirect("hub:cases")  # the case has left the only team this officer sees
    return redirect("hub:case", reference=done.case.reference)
