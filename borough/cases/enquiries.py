"""Councillors' enquiries (issue 26): a councillor raises an enquiry for a resident, with the
resident's consent as recorded, and follows it.

An enquiry is a case of the catalogue's ``member-enquiry`` service (``audience: councillors``),
so it is worked like any case by the team that owns the service, and its response time is that
service's ``sla_working_days`` (10 in the catalogue file): data, not code. The councillor sees
only their own enquiries (``accounts.organisation_policies.may_follow_enquiry``) and is emailed
every public update (``cases.tasks``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from borough.accounts.organisation_policies import may_follow_enquiry, may_raise_member_enquiry
from borough.catalogue.answers import validate_answers
from borough.catalogue.models import Service
from borough.core.actors import Actor, ResidentActor
from borough.core.channels import Channel
from borough.core.models import AuditEvent
from borough.core.services import audit_record
from borough.people.models import Resident
from borough.places.models import Ward
from borough.places.selectors import Gazetteer

from .create import case_create
from .errors import CaseInvalid, refuse_unless
from .models import OPEN_STATUSES, Case, MemberEnquiry

ENQUIRY_SERVICE = "member-enquiry"
#: Consent older than this is not taken: ask the resident again.
CONSENT_MAX_AGE_DAYS = 90


class EnquiryInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def councillor_wards(user) -> list[Ward]:
    return list(Ward.objects.filter(councillors__user=user).order_by("name"))


def _check(user, data: dict, today: dt.date) -> tuple[dict[str, str], Ward | None, dt.date | None]:
    errors: dict[str, str] = {}
    if not data.get("first_name", "").strip():
        errors["first_name"] = "Enter the resident's first name"
    if not data.get("last_name", "").strip():
        errors["last_name"] = "Enter the resident's last name"
    email = data.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    ward = next((w for w in councillor_wards(user) if str(w.pk) == str(data.get("ward"))), None)
    if ward is None:
        errors["ward"] = "Select one of your wards"
    if data.get("consent_method") not in MemberEnquiry.ConsentMethod.values:
        errors["consent_method"] = "Select how the resident gave their consent"
    consent_date = None
    try:
        consent_date = dt.date(
            int(data.get("consent_year", "")),
            int(data.get("consent_month", "")),
            int(data.get("consent_day", "")),
        )
    except (TypeError, ValueError):
        errors["consent_date"] = "Enter the date the resident gave consent, like 27 3 2027"
    if consent_date is not None:
        if consent_date > today:
            errors["consent_date"] = "The date of consent must be today or in the past"
        elif (today - consent_date).days > CONSENT_MAX_AGE_DAYS:
            errors["consent_date"] = (
                f"Consent must be from the last {CONSENT_MAX_AGE_DAYS} days: ask the resident again"
            )
    return errors, ward, consent_date


def enquiry_raise(actor: Actor, data: dict) -> Case:
    """Raise a member enquiry. ``data`` holds the form's fields: the resident's names and
    optional email, ``ward`` (one of the councillor's), ``consent_method``, ``consent_day``,
    ``consent_month``, ``consent_year``, ``subject`` and ``details``. Raises
    ``EnquiryInvalid`` with every problem and writes nothing then."""
    refuse_unless(may_raise_member_enquiry(actor))
    assert isinstance(actor, ResidentActor)
    user = actor.user
    errors, ward, consent_date = _check(user, data, timezone.localdate())
    service = Service.objects.get(slug=ENQUIRY_SERVICE)
    answers = {"subject": data.get("subject", ""), "details": data.get("details", "")}
    _, answer_errors = validate_answers(service.form, answers, places=Gazetteer())
    errors = {**errors, **answer_errors}
    if errors:
        raise EnquiryInvalid(errors)
    try:
        with transaction.atomic():
            email = data.get("email", "").strip().lower()
            resident = Resident.objects.filter(email=email).first() if email else None
            if resident is None:
                resident = Resident.objects.create(
                    first_name=data["first_name"].strip()[:100],
                    last_name=data["last_name"].strip()[:100],
                    email=email,
                )
            case = case_create(
                actor=actor,
                service=service,
                answers=answers,
                channel=Channel.WEB,
                resident=resident,
                contact_reason="Member enquiry",
            )
            Case.objects.filter(pk=case.pk).update(ward=ward)
            assert consent_date is not None
            MemberEnquiry.objects.create(
                case=case,
                councillor=user,
                ward=ward,
                consent_method=data["consent_method"],
                consent_date=consent_date,
            )
            audit_record(
                actor=user,
                action=AuditEvent.Action.CREATED,
                object_type="cases.member_enquiry",
                object_id=case.pk,
                resident_id=resident.pk,
                summary="Member enquiry raised with the resident's consent",
            )
    except CaseInvalid as invalid:
        raise EnquiryInvalid(invalid.errors) from invalid
    return case


def councillor_enquiries(user) -> list[MemberEnquiry]:
    """The enquiries ``user`` raised, newest first: theirs only, never another councillor's."""
    return list(
        MemberEnquiry.objects.filter(councillor=user)
        .select_related("case__service", "ward")
        .order_by("-created_at")
    )


def ward_open_enquiries(ward_ids) -> dict[int, int]:
    """How many member enquiries are open in each ward, whoever raised them: numbers only."""
    rows = (
        MemberEnquiry.objects.filter(ward_id__in=ward_ids, case__status__in=OPEN_STATUSES)
        .values("ward_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["ward_id"]: row["n"] for row in rows}


def enquiry_for(actor: Actor, reference: str) -> MemberEnquiry | None:
    """The enquiry with this reference if ``actor`` may follow it, else None (a 404)."""
    enquiry = (
        MemberEnquiry.objects.select_related("case__service", "ward")
        .filter(case__reference=reference)
        .first()
    )
    if enquiry is None or not may_follow_enquiry(actor, enquiry):
        return None
    return enquiry
