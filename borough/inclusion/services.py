"""Every write of device lending: nominations, decisions, offers, the resident's acceptance
and handover booking, handovers, returns, losses, secure wipes and the survey. Each takes a
typed actor and asks ``accounts.inclusion_policies`` first (ADR 0023); each view or change of
a resident's data is audited.

A device goes out only when it is ``available`` *and* a wipe is recorded after its last loan
came back (``_refuse_unless_wiped``): a status changed by hand cannot skip the wipe (ADR 0046).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.inclusion_policies import (
    may_act_for_resident,
    may_nominate,
    may_run_inclusion,
)
from borough.core.actors import Actor, StaffActor, acting_user
from borough.core.services import audit_record
from borough.people.models import Resident

from . import messages
from .errors import Invalid, refuse_unless
from .models import CanDo, Device, DeviceKind, DeviceWipe, EligibilityRule, Loan, Nomination, Survey
from .priority import priority_of

AGREEMENT_VERSION = "2026-1"
LOAN_WEEKS = 26
HANDOVER_DAYS_AHEAD = 28
SURVEY_CAN_DO = tuple(CanDo.values)


def audit(actor, action: str, thing, summary: str, resident_id: int | None, fields=()) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=f"inclusion {type(thing).__name__.lower()}",
        object_id=thing.pk,
        summary=summary,
        resident_id=resident_id,
        fields=fields,
    )


def _details_errors(first_name: str, last_name: str, email: str, phone: str) -> dict[str, str]:
    errors = {}
    if not first_name.strip():
        errors["first_name"] = _("Enter the resident's first name")
    if not last_name.strip():
        errors["last_name"] = _("Enter the resident's last name")
    if not email.strip() and not phone.strip():
        errors["email"] = _("Enter an email address or a phone number, so we can contact them")
    elif email.strip() and ("@" not in email or len(email) > 254):
        errors["email"] = _("Enter an email address in the correct format, like name@example.com")
    elif phone.strip() and not phone.replace(" ", "").lstrip("+").isdigit():
        errors["phone"] = _("Enter a phone number, like 07700 900 982")
    return errors


def _nomination_errors(
    kind_wanted: str, reason: str, rule_ids: list[int], consent: bool
) -> tuple[dict[str, str], list[EligibilityRule]]:
    errors = {}
    if kind_wanted not in DeviceKind.values:
        errors["kind_wanted"] = _("Select the kind of device the resident needs")
    if not reason.strip():
        errors["reason"] = _("Enter why the resident needs a device")
    elif len(reason) > 2000:
        errors["reason"] = _("The reason must be 2,000 characters or fewer")
    if not consent:
        errors["consent"] = _(
            "The resident must agree to be nominated and to us holding their details"
        )
    rules = list(EligibilityRule.objects.filter(pk__in=rule_ids, active=True))
    if len(rules) != len(set(rule_ids)):
        errors["rules"] = _("Select reasons from the list")
    return errors, rules


def nominate(
    *,
    actor: Actor,
    resident: Resident,
    partner=None,
    kind_wanted: str,
    reason: str,
    rule_ids: list[int],
    consent: bool,
) -> Nomination:
    """Put ``resident`` forward for a device, with the reason and their consent recorded."""
    refuse_unless(may_nominate(actor, partner))
    errors, rules = _nomination_errors(kind_wanted, reason, rule_ids, consent)
    if errors:
        raise Invalid(errors)
    return _nominate(actor, resident, partner, kind_wanted, reason, rules)


def nominate_new(
    *,
    actor: Actor,
    partner,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    kind_wanted: str,
    reason: str,
    rule_ids: list[int],
    consent: bool,
) -> Nomination:
    """A partner nominates someone by their details: the resident with this email address,
    or a new record. Every mistake is reported at once and nothing is saved on error."""
    refuse_unless(may_nominate(actor, partner))
    errors = _details_errors(first_name, last_name, email, phone)
    more, rules = _nomination_errors(kind_wanted, reason, rule_ids, consent)
    errors.update(more)
    if errors:
        raise Invalid(errors)
    email = email.strip().lower()
    with transaction.atomic():
        resident = Resident.objects.filter(email__iexact=email).first() if email else None
        if resident is None:
            resident = Resident.objects.create(
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email,
                phone=phone.strip(),
            )
            audit(actor, "created", resident, "resident added by a nomination", resident.pk)
        return _nominate(actor, resident, partner, kind_wanted, reason, rules)


def _nominate(actor, resident, partner, kind_wanted, reason, rules) -> Nomination:
    points, reasons = priority_of(rules)
    with transaction.atomic():
        nomination = Nomination.objects.create(
            resident=resident,
            nominated_by=acting_user(actor),
            partner=partner,
            kind_wanted=kind_wanted,
            reason=reason.strip(),
            consent_given=True,
            consent_recorded_at=timezone.now(),
            priority=points,
            priority_reasons=reasons,
        )
        nomination.rules_met.set(rules)
        audit(actor, "created", nomination, "nominated for a device", resident.pk)
    return nomination


def decide(
    *, actor: Actor, nomination: Nomination, approve: bool, reason: str, rule_ids: list[int]
) -> Nomination:
    """An officer's decision with reasons. The rules met may be corrected; the priority is
    worked out again from them. Approving needs every required rule met."""
    refuse_unless(may_run_inclusion(actor))
    errors = {}
    if nomination.status != Nomination.Status.DECISION:
        errors["decision"] = "This nomination has already been decided"
    if not reason.strip():
        errors["reason"] = "Enter the reasons for the decision"
    rules = list(EligibilityRule.objects.filter(pk__in=rule_ids, active=True))
    if len(rules) != len(set(rule_ids)):
        errors["rules"] = _("Select reasons from the list")
    missing = EligibilityRule.objects.filter(active=True, required=True).exclude(
        pk__in=[rule.pk for rule in rules]
    )
    if approve and missing.exists():
        names = ", ".join(rule.label for rule in missing)
        errors["decision"] = f"It cannot be approved without every required rule met: {names}"
    if errors:
        raise Invalid(errors)
    points, reasons = priority_of(rules)
    with transaction.atomic():
        nomination.rules_met.set(rules)
        nomination.priority, nomination.priority_reasons = points, reasons
        nomination.status = Nomination.Status.WAITING if approve else Nomination.Status.DECLINED
        nomination.decided_by = acting_user(actor)
        nomination.decided_at = timezone.now()
        nomination.decision_reason = reason.strip()
        nomination.save()
        audit(
            actor,
            "changed",
            nomination,
            "approved" if approve else "not approved",
            nomination.resident_id,
            ["status", "decision_reason", "priority"],
        )
    return nomination


def _refuse_unless_wiped(device: Device) -> None:
    last_back = (
        device.loans.filter(returned_at__isnull=False).order_by("-returned_at").first()
        if device.pk
        else None
    )
    if device.status != Device.Status.AVAILABLE:
        raise Invalid({"device": f"This device is not available: {device.get_status_display()}"})
    if last_back is not None and not device.wipes.filter(wiped_at__gte=last_back.returned_at):
        raise Invalid(
            {"device": "This device has come back since its last secure wipe: record a wipe first"}
        )


def offer(*, actor: Actor, nomination: Nomination, device: Device, credits: int = 2) -> Loan:
    """Offer ``device`` to a resident on the waiting list; they are told to accept it."""
    refuse_unless(may_run_inclusion(actor))
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        if nomination.status != Nomination.Status.WAITING:
            raise Invalid({"nomination": "This resident is not on the waiting list"})
        if not 0 <= credits <= 10:
            raise Invalid({"credits": "Sessions must be a number from 0 to 10"})
        _refuse_unless_wiped(device)
        loan = Loan.objects.create(
            nomination=nomination,
            device=device,
            resident=nomination.resident,
            offered_by=acting_user(actor),
            due_back=timezone.localdate() + dt.timedelta(weeks=LOAN_WEEKS),
            session_credits=credits,
        )
        device.status = Device.Status.ALLOCATED
        device.save(update_fields=["status", "updated_at"])
        nomination.status = Nomination.Status.OFFERED
        nomination.save(update_fields=["status", "updated_at"])
        audit(actor, "created", loan, f"offered {device}", loan.resident_id)
        transaction.on_commit(lambda: messages.loan_offered(loan))
    return loan


def accept(
    *,
    actor: Actor,
    loan: Loan,
    agreed: bool,
    handover: str,
    handover_on: dt.date | None,
    place: str,
    places: list[str],
) -> Loan:
    """The resident (or an agent for them, who read it to them) accepts the loan agreement and
    books the collection (at one of ``places``) or the delivery, on a weekday in four weeks."""
    refuse_unless(may_act_for_resident(actor, loan.resident, set()))
    errors = {}
    if loan.status != Loan.Status.OFFERED:
        errors["agreed"] = _("This loan is not waiting to be accepted")
    if not agreed:
        errors["agreed"] = _("Confirm that you agree to the loan agreement")
    if handover not in Loan.Handover.values:
        errors["handover"] = _("Select how to get the device")
    elif handover == Loan.Handover.COLLECT and place not in places:
        errors["place"] = _("Select the library to collect it from")
    today = timezone.localdate()
    if handover_on is None:
        errors["handover_on"] = _("Enter a real date")
    elif not today < handover_on <= today + dt.timedelta(days=HANDOVER_DAYS_AHEAD):
        errors["handover_on"] = _("The date must be in the next four weeks, from tomorrow")
    elif handover_on.weekday() >= 5:
        errors["handover_on"] = _("The date must be a weekday")
    if errors:
        raise Invalid(errors)
    loan.status = Loan.Status.ACCEPTED
    loan.agreement_version = AGREEMENT_VERSION
    loan.accepted_at = timezone.now()
    loan.accepted_by = acting_user(actor)
    loan.accepted_on_behalf = isinstance(actor, StaffActor)
    loan.handover = handover
    loan.handover_on = handover_on
    loan.handover_place = place if handover == Loan.Handover.COLLECT else ""
    loan.save()
    audit(actor, "changed", loan, "loan agreement accepted", loan.resident_id, ["status"])
    return loan


def hand_over(*, actor: Actor, loan: Loan) -> Loan:
    refuse_unless(may_run_inclusion(actor))
    if loan.status != Loan.Status.ACCEPTED:
        raise Invalid({"loan": "The resident has not accepted the loan agreement yet"})
    with transaction.atomic():
        loan.status = Loan.Status.OUT
        loan.handed_over_at = timezone.now()
        loan.save()
        Device.objects.filter(pk=loan.device_id).update(status=Device.Status.ON_LOAN)
        Nomination.objects.filter(pk=loan.nomination_id).update(status=Nomination.Status.LENT)
        audit(actor, "changed", loan, "device handed over", loan.resident_id, ["status"])
    return loan


def give_back(*, actor: Actor, loan: Loan, condition: str, notes: str) -> Loan:
    """The device came back (or the offer ended before handover): it waits for a wipe."""
    refuse_unless(may_run_inclusion(actor))
    if loan.status not in Loan.OPEN:
        raise Invalid({"condition": "This loan has already ended"})
    if condition not in Device.Condition.values:
        raise Invalid({"condition": "Select the device's condition"})
    damaged = condition == Device.Condition.DAMAGED
    if damaged and not notes.strip():
        raise Invalid({"notes": "Say what is damaged"})
    with transaction.atomic():
        loan.status = Loan.Status.DAMAGED if damaged else Loan.Status.RETURNED
        loan.returned_at = timezone.now()
        loan.return_notes = notes.strip()[:300]
        loan.save()
        Device.objects.filter(pk=loan.device_id).update(
            status=Device.Status.AWAITING_WIPE, condition=condition
        )
        Nomination.objects.filter(pk=loan.nomination_id).update(status=Nomination.Status.CLOSED)
        audit(actor, "changed", loan, f"returned ({condition})", loan.resident_id, ["status"])
    return loan


def report_lost(*, actor: Actor, loan: Loan, notes: str) -> Loan:
    refuse_unless(may_run_inclusion(actor))
    if loan.status not in Loan.OPEN:
        raise Invalid({"lost_notes": "This loan has already ended"})
    if not notes.strip():
        raise Invalid({"lost_notes": "Say what happened"})
    with transaction.atomic():
        loan.status = Loan.Status.LOST
        loan.returned_at = None
        loan.return_notes = notes.strip()[:300]
        loan.save()
        Device.objects.filter(pk=loan.device_id).update(status=Device.Status.LOST)
        Nomination.objects.filter(pk=loan.nomination_id).update(status=Nomination.Status.CLOSED)
        audit(actor, "changed", loan, "device reported lost", loan.resident_id, ["status"])
    return loan


def wipe(*, actor: Actor, device: Device, method: str, notes: str) -> DeviceWipe:
    """Record a secure wipe of a device that came back. A damaged one is then written off;
    any other is available to lend again."""
    refuse_unless(may_run_inclusion(actor))
    if device.status != Device.Status.AWAITING_WIPE:
        raise Invalid({"method": "Only a device that has come back can be wiped here"})
    if method not in DeviceWipe.Method.values:
        raise Invalid({"method": "Select how the device was wiped"})
    if (method == DeviceWipe.Method.SIM_RESET) != (device.kind == DeviceKind.SIM):
        raise Invalid({"method": "That method is not for this kind of device"})
    with transaction.atomic():
        record = DeviceWipe.objects.create(
            device=device,
            wiped_by=acting_user(actor),
            wiped_at=timezone.now(),
            method=method,
            notes=notes.strip()[:300],
        )
        device.status = (
            Device.Status.WRITTEN_OFF
            if device.condition == Device.Condition.DAMAGED
            else Device.Status.AVAILABLE
        )
        device.save(update_fields=["status", "updated_at"])
    return record


def survey_answer(
    *, actor: Actor, survey: Survey, can_do: list[str], confidence: str, comment: str
) -> Survey:
    refuse_unless(may_act_for_resident(actor, survey.loan.resident, set()))
    errors = {}
    if survey.answered_at is not None:
        errors["can_do"] = _("You have already answered this survey. Thank you")
    if not can_do or not set(can_do) <= {*SURVEY_CAN_DO, "none"}:
        errors["can_do"] = _("Select what you can now do online, or 'None of these'")
    elif "none" in can_do and len(can_do) > 1:
        errors["can_do"] = _("Select 'None of these' on its own")
    if confidence not in {"1", "2", "3", "4", "5"}:
        errors["confidence"] = _("Select how confident you feel online")
    if len(comment) > 2000:
        errors["comment"] = _("Your comment must be 2,000 characters or fewer")
    if errors:
        raise Invalid(errors)
    survey.can_do = [] if "none" in can_do else can_do
    survey.confidence = int(confidence)
    survey.comment = comment.strip()
    survey.answered_at = timezone.now()
    survey.save()
    return survey
