"""Every write of the homes room: devices, rules, a home's sharing choice, alerts that open or
add to a repair case, the tenant's answer, and maintenance tasks. Each takes a typed actor and
asks ``accounts.homes_policies`` first (ADR 0023)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borough.accounts.homes_policies import (
    may_choose_sharing,
    may_tune_home_rules,
    may_work_devices,
)
from borough.cases.create import case_create
from borough.cases.errors import CaseInvalid, NotAllowed
from borough.cases.models import Priority, Status
from borough.cases.workflow import case_add_note, case_set_priority
from borough.catalogue.selectors import service_get
from borough.core.actors import Actor, ResidentActor, SystemActor, acting_user
from borough.core.channels import Channel
from borough.core.services import audit_record

from . import awaab
from .models import Alert, Device, MaintenanceTask, Rule, RuleKind, Sharing, TenantAnswer
from .selectors import household_at, open_alert, vulnerable_at

# The repair service each rule's case is raised under (catalogue slugs).
SERVICE_FOR = {RuleKind.MOULD: "report-damp-and-mould", RuleKind.NO_HEAT: "report-housing-repair"}
ROOMS = {"kitchen", "bathroom", "bedroom", "living_room"}


class Invalid(ValueError):
    """A change refused, with one message per field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed("Not allowed")


@transaction.atomic
def device_register(
    *, actor: Actor, device_id: str, kind: str, property_id: int, room: str, installed_on: dt.date
) -> Device:
    """Register a sensor in a home (or move a registered one), with the home's sharing recorded
    as agreed at installation when nothing is recorded yet."""
    _refuse_unless(may_work_devices(actor))
    device, _created = Device.objects.update_or_create(
        device_id=device_id,
        defaults={
            "kind": kind,
            "property_id": property_id,
            "room": room,
            "installed_on": installed_on,
            "removed_on": None,
        },
    )
    if not Sharing.objects.filter(property_id=property_id).exists():
        Sharing.objects.create(
            property_id=property_id,
            sharing=True,
            recorded_at=timezone.now(),
            recorded_by=acting_user(actor),
        )
    return device


@transaction.atomic
def rule_update(*, actor: Actor, rule: Rule, values: dict[str, Any]) -> Rule:
    """Change a rule's thresholds (the hub's rules page). Refuses values that make no sense."""
    _refuse_unless(may_tune_home_rules(actor))
    errors: dict[str, str] = {}
    hours = values.get("hours", rule.hours)
    if not isinstance(hours, int) or not 1 <= hours <= 24 * 28:
        errors["hours"] = "Enter a number of hours from 1 to 672"
    share = values.get("share_of_hours", rule.share_of_hours)
    if not isinstance(share, int) or not 1 <= share <= 100:
        errors["share_of_hours"] = "Enter a percentage from 1 to 100"
    humidity = values.get("humidity_at_least", rule.humidity_at_least)
    if humidity is not None and not 30 <= humidity <= 100:
        errors["humidity_at_least"] = "Enter a relative humidity from 30 to 100"
    temperature = values.get("temperature_below", rule.temperature_below)
    if temperature is not None and not 0 <= temperature <= 30:
        errors["temperature_below"] = "Enter a temperature from 0 to 30"
    months = values.get("heating_months", rule.heating_months)
    try:
        if months and not all(1 <= int(m) <= 12 for m in months.split(",")):
            raise ValueError
    except ValueError:
        errors["heating_months"] = "Enter months as numbers from 1 to 12, like 10,11,12,1,2,3"
    if errors:
        raise Invalid(errors)
    for name in ("enabled", "hours", "share_of_hours", "humidity_at_least", "temperature_below"):
        if name in values:
            setattr(rule, name, values[name])
    rule.heating_months = months
    rule.save()
    audit_record(
        actor=actor,
        action="change",
        object_type="homes rule",
        object_id=rule.pk,
        summary=f"{rule.kind}: {values}",
    )
    return rule


@transaction.atomic
def sharing_set(*, actor: Actor, property_id: int, sharing: bool) -> Sharing:
    """Record a home's choice to share its readings or not. Switched off, the ingest stores no
    new readings from its devices and the rules no longer read the home."""
    living_there = {r.pk for r in household_at(property_id)}
    _refuse_unless(may_choose_sharing(actor, property_id, living_there))
    resident = actor.resident if isinstance(actor, ResidentActor) else None
    choice = Sharing.objects.create(
        property_id=property_id,
        sharing=sharing,
        recorded_at=timezone.now(),
        recorded_by=acting_user(actor),
        resident=resident,
    )
    audit_record(
        actor=actor,
        action="change",
        object_type="homes sharing",
        object_id=property_id,
        summary="sharing on" if sharing else "sharing off",
        resident_id=resident.pk if resident else None,
    )
    return choice


def _priority(kind: str, vulnerable: bool) -> tuple[int, str]:
    """The case's priority and Awaab's Law hazard: both rise for a vulnerable household."""
    if kind == RuleKind.MOULD:
        return (Priority.HIGH if vulnerable else Priority.NORMAL), "significant"
    return (Priority.URGENT, "emergency") if vulnerable else (Priority.HIGH, "")


def _answers(kind: str, property_id: int, room: str, vulnerable: bool, phone: str | None) -> dict:
    if kind == RuleKind.MOULD:
        return {
            "address": property_id,
            "rooms": [room if room in ROOMS else "other"],
            "extent": "small",
            "months": 0,
            "health_risk": "yes" if vulnerable else "prefer_not_to_say",
            "phone": phone,
        }
    return {
        "address": property_id,
        "emergency": "no",
        "room": "whole_home",
        "problem": "Boiler monitor: no heat or a boiler fault (raised by the home's sensors).",
        "phone": phone,
    }


def _tell_tenant(case, kind: str, tenant) -> None:
    with translation.override(tenant.preferred_language if tenant else "en"):
        if kind == RuleKind.MOULD:
            text = _(
                "The sensors in your home show it has been damp and cold for several days, "
                "which can lead to mould. We have opened this repair and will arrange an "
                "inspection. If you have already reported it, or you are fine, you can tell us "
                "on the Your home page of your account."
            )
        else:
            text = _(
                "The monitor on your boiler shows a fault or no heat. We have opened this repair "
                "and will contact you. If you have already reported it, or you are fine, you can "
                "tell us on the Your home page of your account."
            )
    case_add_note(case=case, text=text, actor=SystemActor("homes-rules"), public=True)


def _evidence_note(kind: str, evidence: dict, fired: int) -> str:
    figures = evidence.get("summary", "")
    again = f"Fired again ({fired} times in all). " if fired > 1 else ""
    return (
        f"{again}Sensor rule '{RuleKind(kind).label}': {figures} "
        f"Readings, chart and table: /hub/homes/properties/{evidence.get('uprn')}/"
    )[:2000]


@transaction.atomic
def alert_raise(
    *,
    actor: Actor,
    property_id: int,
    kind: str,
    evidence: dict,
    room: str = "",
    now: dt.datetime | None = None,
) -> Alert:
    """A rule fired for a home: add to its open alert's case, or open a repair case (as the
    system) with the evidence, a priority that rises for a vulnerable household, and Awaab's Law
    deadline; the tenant is told on the case."""
    _refuse_unless(may_work_devices(actor))
    now = now or timezone.now()
    alert = open_alert(property_id, kind)
    if alert is not None and alert.case is not None and alert.case.status == Status.CLOSED:
        alert.closed_at = now
        alert.save(update_fields=["closed_at"])
        alert = None
    vulnerable = vulnerable_at(property_id)
    priority, hazard = _priority(kind, vulnerable)
    if alert is not None:
        alert.times_fired += 1
        alert.last_fired_at = now
        alert.evidence = evidence
        alert.save(update_fields=["times_fired", "last_fired_at", "evidence"])
        if alert.case is not None:
            case_add_note(
                case=alert.case,
                text=_evidence_note(kind, evidence, alert.times_fired),
                actor=actor,
                public=False,
            )
            if priority > alert.case.priority:
                case_set_priority(case=alert.case, priority=priority, actor=actor)
        return alert
    people = household_at(property_id)
    tenant = next((p for p in people if p.phone), people[0] if people else None)
    case = None
    service = service_get(SERVICE_FOR[RuleKind(kind)])
    if service is None:
        raise LookupError(f"The catalogue has no {SERVICE_FOR[RuleKind(kind)]} service")
    try:
        case = case_create(
            actor=actor,
            service=service,
            answers=_answers(kind, property_id, room, vulnerable, tenant.phone if tenant else None),
            channel=Channel.API,
            resident=tenant,
            priority=priority,
            contact_reason=f"Sensor rule: {RuleKind(kind).label}",
        )
    except CaseInvalid as invalid:
        evidence = {**evidence, "case_refused": invalid.errors}
    due = awaab.deadlines(hazard, now)
    alert = Alert.objects.create(
        property_id=property_id,
        kind=kind,
        case=case,
        opened_at=now,
        last_fired_at=now,
        vulnerable=vulnerable,
        hazard=due.hazard,
        investigate_by=due.investigate_by,
        evidence=evidence,
    )
    if case is not None:
        case_add_note(case=case, text=_evidence_note(kind, evidence, 1), actor=actor, public=False)
        if due.investigate_by:
            case_add_note(
                case=case,
                actor=actor,
                public=False,
                text=f"Awaab's Law ({due.hazard} hazard): investigate by "
                f"{timezone.localtime(due.investigate_by):%d %B %Y %H:%M}.",
            )
        _tell_tenant(case, kind, tenant)
    return alert


@transaction.atomic
def alert_tenant_answer(*, actor: Actor, alert: Alert, answer: str) -> Alert:
    """The tenant says "already reported" or "I'm fine". Recorded on the case for the housing
    team; it does not close the case: the council's duty to investigate stands."""
    living_there = {r.pk for r in household_at(alert.property_id)}
    _refuse_unless(may_choose_sharing(actor, alert.property_id, living_there))
    if answer not in TenantAnswer.values:
        raise Invalid({"answer": _("Select an answer")})
    alert.tenant_answer = answer
    alert.tenant_answered_at = timezone.now()
    alert.save(update_fields=["tenant_answer", "tenant_answered_at"])
    if alert.case is not None:
        case_add_note(
            case=alert.case,
            # The tenant's right to answer is checked above; the note for the team is the
            # system's (a resident does not write internal notes).
            actor=SystemActor("homes: the tenant's answer"),
            public=False,
            text=f"The tenant answered the sensor alert: {TenantAnswer(answer).label}.",
        )
    return alert


def task_raise(*, actor: Actor, device: Device, reason: str, now: dt.datetime) -> MaintenanceTask:
    """Open a maintenance task on a device, unless one is open already."""
    _refuse_unless(may_work_devices(actor))
    task, _created = MaintenanceTask.objects.get_or_create(
        device=device, done_at=None, defaults={"reason": reason, "raised_at": now}
    )
    return task


def task_done(*, actor: Actor, task: MaintenanceTask) -> MaintenanceTask:
    _refuse_unless(may_work_devices(actor))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    return task


def alerts_escalate(*, actor: Actor, now: dt.datetime) -> int:
    """Awaab's Law timers: an open alert whose investigation is overdue while its case has not
    moved past "received" is escalated once (urgent priority and a note for the team). Alerts
    whose case has closed are closed."""
    _refuse_unless(may_work_devices(actor))
    Alert.objects.filter(closed_at__isnull=True, case__status=Status.CLOSED).update(closed_at=now)
    escalated = 0
    overdue = Alert.objects.filter(
        closed_at__isnull=True,
        escalated_at__isnull=True,
        investigate_by__lt=now,
        case__isnull=False,
    ).select_related("case")
    for alert in overdue:
        case = alert.case
        if case is None:
            continue
        with transaction.atomic():
            if case.state in (Status.NEW, "received"):
                case_set_priority(case=case, priority=Priority.URGENT, actor=actor)
                case_add_note(
                    case=case,
                    actor=actor,
                    public=False,
                    text="Escalated: Awaab's Law investigation deadline "
                    f"{timezone.localtime(alert.investigate_by):%d %B %Y %H:%M} has passed.",
                )
                escalated += 1
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
    return escalated
