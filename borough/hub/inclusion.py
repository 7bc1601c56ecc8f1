"""Digital inclusion in the hub (issue 26): the overview (stock, nominations to decide, the
waiting list in priority order with why, loans out, the report by ward), a nomination with its
decision, offer and loan actions, the devices with their secure wipes, and a resident's loans
and sessions for an agent on the phone. Policies: ``accounts.inclusion_policies``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from borough.accounts.inclusion_policies import can_assist_inclusion, can_run_inclusion
from borough.core.actors import StaffActor
from borough.inclusion import selectors
from borough.inclusion import services as lending
from borough.inclusion.errors import Invalid
from borough.inclusion.models import Device, DeviceWipe, EligibilityRule, Loan, Nomination
from borough.inclusion.priority import explain

from .access import staff_required


def run_required(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_run_inclusion(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wraps(view)(wrapper)


def assist_required(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_assist_inclusion(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wraps(view)(wrapper)


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


@run_required
def overview(request):
    return render(
        request,
        "hub/inclusion/overview.html",
        {
            "stock": selectors.stock_summary(),
            "to_decide": selectors.awaiting_decision(),
            "waiting": selectors.waiting_list(),
            "loans": selectors.loans_open(),
            "wards": selectors.report_by_ward(),
            "outcomes": selectors.survey_outcomes(),
        },
    )


@run_required
def nomination(request, nomination_id: int):
    item = get_object_or_404(
        Nomination.objects.select_related("resident", "partner", "nominated_by", "decided_by"),
        pk=nomination_id,
    )
    actor = StaffActor(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(actor, item, action, request.POST)
        except Invalid as refused:
            errors = refused.errors
        else:
            messages.success(request, done)
            return redirect("hub:inclusion_nomination", item.pk)
    else:
        lending.audit(actor, "viewed", item, "nomination", item.resident_id)
    loan = Loan.objects.filter(nomination=item).select_related("device").first()
    return render(
        request,
        "hub/inclusion/nomination.html",
        {
            "item": item,
            "loan": loan,
            "why": explain(item.priority_reasons),
            "rules": EligibilityRule.objects.filter(active=True),
            "met": set(item.rules_met.values_list("pk", flat=True)),
            "available": Device.objects.filter(
                status=Device.Status.AVAILABLE, kind=item.kind_wanted
            ),
            "conditions": Device.Condition.choices,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


def _act(actor: StaffActor, item: Nomination, action: str, post) -> str:
    if action in {"approve", "decline"}:
        lending.decide(
            actor=actor,
            nomination=item,
            approve=action == "approve",
            reason=post.get("reason", ""),
            rule_ids=_ids(post.getlist("rules")),
        )
        return "Approved: on the waiting list" if action == "approve" else "Not approved"
    if action == "offer":
        device = Device.objects.filter(pk=post.get("device") or 0).first()
        if device is None:
            raise Invalid({"device": "Select a device to offer"})
        credits = post.get("credits", "2")
        if not credits.isdigit():
            raise Invalid({"credits": "Sessions must be a number from 0 to 10"})
        lending.offer(actor=actor, nomination=item, device=device, credits=int(credits))
        return "Device offered. The resident has been told to accept the agreement"
    loan = Loan.objects.filter(nomination=item).first()
    if loan is None:
        raise Invalid({"action": "There is no loan for this nomination"})
    if action == "handover":
        lending.hand_over(actor=actor, loan=loan)
        return "Handover recorded: the device is on loan"
    if action == "return":
        lending.give_back(
            actor=actor, loan=loan, condition=post.get("condition", ""), notes=post.get("notes", "")
        )
        return "Return recorded. Wipe the device before it goes out again"
    if action == "lost":
        lending.report_lost(actor=actor, loan=loan, notes=post.get("lost_notes", ""))
        return "Recorded as lost"
    raise Invalid({"action": "Choose an action"})


@run_required
def devices(request):
    return render(
        request,
        "hub/inclusion/devices.html",
        {"devices": selectors.devices(), "methods": DeviceWipe.Method.choices, "errors": {}},
    )


@run_required
@require_POST
def device_wipe(request, device_id: int):
    device = get_object_or_404(Device, pk=device_id)
    try:
        lending.wipe(
            actor=StaffActor(request.user),
            device=device,
            method=request.POST.get("method", ""),
            notes=request.POST.get("notes", ""),
        )
    except Invalid as refused:
        return render(
            request,
            "hub/inclusion/devices.html",
            {
                "devices": selectors.devices(),
                "methods": DeviceWipe.Method.choices,
                "errors": {f"method-{device.pk}": refused.errors.get("method", str(refused))},
            },
            status=400,
        )
    messages.success(request, f"Secure wipe recorded: {device}")
    return redirect("hub:inclusion_devices")
