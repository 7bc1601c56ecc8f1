"""Payments in the hub for finance (issue 20): the daily reconciliation of Borough's payments
against GOV.UK Pay's, as a page and as a CSV. Only the finance team (officers and team leads),
admins and superusers (``payment_policies.can_reconcile_payments``): it lists every payment
the council took. It shows references, services and amounts, never who paid."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from borough.accounts.payment_policies import can_reconcile_payments
from borough.catalogue.fees import pounds
from borough.core.services import audit_record
from borough.payments.client import PayError
from borough.payments.reconcile import PROBLEMS, reconcile_day

from .access import staff_required


def _day(request) -> tuple[dt.date, str]:
    """The day asked for (yesterday unless given) and an error for a bad one."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    said = request.GET.get("day", "").strip()
    if not said:
        return yesterday, ""
    try:
        day = dt.date.fromisoformat(said)
    except ValueError:
        return yesterday, "Enter the day as a date, like 2026-12-06"
    if day > timezone.localdate():
        return yesterday, "Enter today or a day in the past"
    return day, ""


def _allowed(request) -> None:
    if not can_reconcile_payments(request.user):
        raise PermissionDenied


@staff_required
@require_GET
def reconciliation(request):
    _allowed(request)
    day, error = _day(request)
    context: dict = {
        "day": day,
        "errors": {"day": error} if error else {},
        "said": request.GET.get("day", ""),
    }
    status = 200
    try:
        result = reconcile_day(day)
    except PayError:
        context["pay_down"] = True
        status = 503
    else:
        context |= {
            "result": result,
            "pay_taken": pounds(result.pay_taken),
            "borough_taken": pounds(result.borough_taken),
            "problems": PROBLEMS,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        }
    return render(request, "hub/payments_reconciliation.html", context, status=status)


@staff_required
@require_GET
def reconciliation_csv(request):
    _allowed(request)
    day, error = _day(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain")
    try:
        result = reconcile_day(day)
    except PayError:
        return HttpResponse(
            "GOV.UK Pay is not answering: try again later", status=503, content_type="text/plain"
        )
    audit_record(
        actor=request.user,
        action="exported",
        object_type="payments",
        object_id=day.isoformat(),
        summary=f"reconciliation CSV: {len(result.lines)} payments, "
        f"{len(result.problems)} not matching",
    )
    response = HttpResponse(result.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pay-reconciliation-{day}.csv"'
    return response
