"""Subject access requests in the hub (issue 23): log a request with its one-month clock, see
everything Borough holds about the person, withhold what is not theirs to have (each item with
a reason), extend the clock, check their identity, release, and download the package."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.governance.models import SubjectAccessRequest
from borough.governance.requests import sar_extend, sar_log, sar_release, sar_review
from borough.governance.sar import SECTIONS, gather, package, pdf
from borough.governance.services import Invalid

from .governance import governance_required

#: Reasons an officer may give for withholding an item.
WITHHOLD_REASONS = (
    "Third party's personal data",
    "Legal professional privilege",
    "Crime and taxation exemption",
    "Not the requester's data",
)


def _received_on(post) -> dt.date | None:
    try:
        return dt.date(
            int(post.get("received_on-year", "")),
            int(post.get("received_on-month", "")),
            int(post.get("received_on-day", "")),
        )
    except ValueError:
        return None


@governance_required
def requests_list(request):
    sars = SubjectAccessRequest.objects.select_related("resident")
    return render(
        request,
        "hub/governance/sars.html",
        {
            "open": sars.filter(status=SubjectAccessRequest.Status.RECEIVED),
            "closed": sars.exclude(status=SubjectAccessRequest.Status.RECEIVED)[:50],
            "today": timezone.localdate(),
        },
    )


@governance_required
def request_new(request):
    errors: dict[str, str] = {}
    entered = {"resident": request.GET.get("resident", "")}
    if request.method == "POST":
        entered = {key: request.POST.get(key, "").strip() for key in request.POST}
        try:
            sar = sar_log(
                actor=StaffActor(request.user),
                resident_id=entered.get("resident", ""),
                requester_name=entered.get("requester_name", ""),
                received_on=_received_on(request.POST),
            )
        except Invalid as invalid:
            errors = invalid.errors
            if "received_on" in errors:
                errors["received_on-day"] = errors.pop("received_on")
        else:
            due = f"{sar.due_on.day} {sar.due_on:%B %Y}"
            messages.success(request, f"Request {sar.pk} is logged: reply by {due}")
            return redirect("hub:governance_sar", sar_id=sar.pk)
    return render(
        request,
        "hub/governance/sar_form.html",
        {"errors": errors, "entered": entered},
        status=400 if errors else 200,
    )


def _sar_or_404(sar_id: int) -> SubjectAccessRequest:
    sar = SubjectAccessRequest.objects.select_related("resident").filter(pk=sar_id).first()
    if sar is None:
        raise Http404
    return sar


def _page(request, sar, *, errors=None, status=200):
    gathered = gather(sar.resident) if sar.resident else {}
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="subject_access_request",
        object_id=sar.pk,
        resident_id=sar.resident_id,
        summary="everything held about the resident, for a subject access request",
    )
    sections = [
        (section, SECTIONS[section], [(item, _summary(item)) for item in items])
        for section, items in gathered.items()
    ]
    return render(
        request,
        "hub/governance/sar.html",
        {
            "sar": sar,
            "sections": sections,
            "total": sum(len(items) for items in gathered.values()),
            "errors": errors or {},
            "reasons": WITHHOLD_REASONS,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _shown(name: str, value) -> str:
    if isinstance(value, bool):
        return "internal note" if name == "internal" and value else ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d %b %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d %b %Y}"
    return "" if value is None else str(value)


def _summary(item: dict) -> str:
    """One line saying what an item is, from its values (never its key)."""
    values = [_shown(k, v) for k, v in item.items() if k not in ("key", "path")]
    line = " · ".join(value for value in values if value)
    return line if len(line) <= 300 else line[:299] + "…"


@never_cache
@governance_required
def request_detail(request, sar_id: int):
    sar = _sar_or_404(sar_id)
    if request.method == "POST":
        keys = request.POST.getlist("withhold")
        reason = request.POST.get("reason", "")
        withheld = {key: sar.withheld.get(key) or reason for key in keys}
        try:
            sar_review(
                actor=StaffActor(request.user),
                sar=sar,
                withheld=withheld,
                identity_checked=request.POST.get("identity_checked") == "yes",
            )
        except Invalid as invalid:
            errors = {"reason": invalid.errors.get("withheld", "")}
            return _page(request, sar, errors=errors, status=400)
        messages.success(request, f"Your review is saved: {len(withheld)} items withheld")
        return redirect("hub:governance_sar", sar_id=sar.pk)
    return _page(request, sar)


@require_POST
@governance_required
def request_extend(request, sar_id: int):
    sar = _sar_or_404(sar_id)
    try:
        sar_extend(
            actor=StaffActor(request.user),
            sar=sar,
            months=request.POST.get("months", ""),
            reason=request.POST.get("extension_reason", ""),
        )
    except Invalid as invalid:
        errors = {
            ("extension_reason" if key == "reason" else key): message
            for key, message in invalid.errors.items()
        }
        return _page(request, sar, errors=errors, status=400)
    extended = sar.extended_to
    assert extended is not None
    messages.success(request, f"The deadline is now {extended.day} {extended:%B %Y}")
    return redirect("hub:governance_sar", sar_id=sar.pk)


@require_POST
@governance_required
def request_release(request, sar_id: int):
    sar = _sar_or_404(sar_id)
    try:
        sar_release(actor=StaffActor(request.user), sar=sar)
    except Invalid as invalid:
        return _page(request, sar, errors=invalid.errors, status=400)
    messages.success(request, "The package is released: download it and send it to the person")
    return redirect("hub:governance_sar", sar_id=sar.pk)


@never_cache
@governance_required
def request_package(request, sar_id: int, as_pdf: bool = False):
    """The released package as a zip (or its PDF alone); only once released. Audited."""
    sar = _sar_or_404(sar_id)
    if sar.status != SubjectAccessRequest.Status.RELEASED or sar.resident is None:
        raise Http404
    data = (pdf if as_pdf else package)(sar.pk, gather(sar.resident), sar.withheld)
    audit_record(
        actor=request.user,
        action="exported",
        object_type="subject_access_request",
        object_id=sar.pk,
        resident_id=sar.resident_id,
        summary="subject access package downloaded",
    )
    kind, extension = ("application/pdf", "pdf") if as_pdf else ("application/zip", "zip")
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.{extension}"'
    return response
