"""Information governance in the hub (issue 23): the information asset register and its record
of processing (Article 30), the retention schedule with what it would remove now (a dry run),
legal holds, and the log of runs. Officers and team leads of the complaints and information
team, and admins (``accounts.governance_policies.can_govern_information``)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from borough.accounts.governance_policies import can_govern_information
from borough.cases.selectors import case_by_reference
from borough.core.actors import StaffActor
from borough.governance.dpias import dpias_for
from borough.governance.models import (
    Article9Condition,
    DpiaStatus,
    InformationAsset,
    LawfulBasis,
    LegalHold,
    RetentionRun,
)
from borough.governance.register import (
    ARTICLE_30_COLUMNS,
    article30_csv,
    article30_table,
    register_row,
    register_rows,
)
from borough.governance.retention import retention_plan
from borough.governance.services import (
    ASSET_OPTIONAL_FIELDS,
    ASSET_TEXT_FIELDS,
    Invalid,
    asset_save,
    legal_hold_place,
    legal_hold_release,
)
from borough.people.selectors import resident_get

from .access import staff_required


def governance_required(view):
    """Hub staff who may govern information; anyone else in the hub is refused (403)."""

    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_govern_information(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wraps(view)(wrapper)


@governance_required
def register(request):
    rows = register_rows()
    return render(
        request,
        "hub/governance/register.html",
        {"rows": rows, "missing": sum(1 for row in rows if not row.complete)},
    )


@governance_required
def asset(request, key: str):
    row = register_row(key)
    if row is None:
        raise Http404
    return render(request, "hub/governance/asset.html", {"row": row, "dpias": dpias_for(key)})


def _asset_form(request, *, asset: InformationAsset | None, system_key: str = "", name: str = ""):
    errors: dict[str, str] = {}
    if asset is not None:
        entered = {
            field: getattr(asset, field)
            for field in [*ASSET_TEXT_FIELDS, *ASSET_OPTIONAL_FIELDS]
            + ["lawful_basis", "article9_condition", "dpia_status"]
        }
        entered["special_category"] = "yes" if asset.special_category else "no"
    else:
        entered = {"name": name, "system_key": system_key, "dpia_status": "unknown"}
    if request.method == "POST":
        entered = {key: request.POST.get(key, "") for key in request.POST}
        entered["system_key"] = system_key
        try:
            saved = asset_save(actor=StaffActor(request.user), data=entered, asset=asset)
        except Invalid as invalid:
            errors = invalid.errors
        else:
            messages.success(request, f"{saved.name} is saved in the register")
            return redirect("hub:governance_asset", key=saved.system_key or f"own:{saved.pk}")
    return render(
        request,
        "hub/governance/asset_form.html",
        {
            "errors": errors,
            "entered": entered,
            "asset": asset,
            "system_key": system_key,
            "lawful_bases": LawfulBasis.choices,
            "conditions": Article9Condition.choices,
            "dpia_statuses": DpiaStatus.choices,
        },
        status=400 if errors else 200,
    )


@governance_required
def asset_new(request):
    """Add the council's own entry, or the council's details for a system Borough knows of."""
    key = request.GET.get("system", "")
    row = register_row(key) if key else None
    if key and (row is None or row.asset is not None):
        raise Http404
    return _asset_form(request, asset=None, system_key=key, name=row.name if row else "")


@governance_required
def asset_edit(request, asset_id: int):
    found = InformationAsset.objects.filter(pk=asset_id).first()
    if found is None:
        raise Http404
    return _asset_form(request, asset=found, system_key=found.system_key)


@governance_required
def record_of_processing(request):
    return render(
        request,
        "hub/governance/record_of_processing.html",
        {"columns": ARTICLE_30_COLUMNS, "table": article30_table()},
    )


@governance_required
def record_of_processing_csv(request):
    response = HttpResponse(article30_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="record-of-processing.csv"'
    return response


@governance_required
def retention(request):
    """The schedule, what it would remove now (nothing is removed by looking), legal holds in
    force and the log of runs (counts only)."""
    return _retention_page(request)


def _retention_page(request, errors=None, entered=None, status=200):
    return render(
        request,
        "hub/governance/retention.html",
        {
            "plan": retention_plan(),
            "holds": LegalHold.objects.filter(released_at__isnull=True).select_related(
                "case", "resident"
            ),
            "runs": RetentionRun.objects.all()[:20],
            "errors": errors or {},
            "entered": entered or {},
        },
        status=status,
    )


@require_POST
@governance_required
def hold_place(request):
    entered = {
        "reference": request.POST.get("reference", "").strip(),
        "resident": request.POST.get("resident", "").strip(),
        "reason": request.POST.get("reason", ""),
    }
    errors: dict[str, str] = {}
    case = resident = None
    if entered["reference"] and entered["resident"]:
        errors["reference"] = "Enter a request reference or a resident number, not both"
    elif entered["reference"]:
        case = case_by_reference(entered["reference"].upper())
        if case is None:
            errors["reference"] = "There is no request with this reference"
    elif entered["resident"]:
        resident = resident_get(int(entered["resident"])) if entered["resident"].isdigit() else None
        if resident is None:
            errors["resident"] = "There is no resident with this number"
    else:
        errors["reference"] = "Enter a request reference or a resident number"
    try:
        if errors:
            raise Invalid(errors)
        legal_hold_place(
            actor=StaffActor(request.user), reason=entered["reason"], case=case, resident=resident
        )
    except Invalid as invalid:
        errors = {**invalid.errors, **errors}
        errors.pop("target", None)
        return _retention_page(request, errors=errors, entered=entered, status=400)
    messages.success(request, "The legal hold is in force: retention will not remove these records")
    return redirect("hub:governance_retention")


@require_POST
@governance_required
def hold_release(request, hold_id: int):
    hold = LegalHold.objects.filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    legal_hold_release(actor=StaffActor(request.user), hold=hold)
    messages.success(request, "The legal hold is released: the schedule applies again")
    return redirect("hub:governance_retention")
