"""The retention schedule, applied: what each rule says may go, less what a legal hold keeps,
deleted or anonymised in one transaction, and logged as counts only (issue 23, ADR 0031).

``retention_plan`` works out what would go (the dry run shows it); ``retention_apply`` does it.
Each kind of record has one function giving the records past their time; holds are taken off
in SQL, so a held request, or anything of a held person, is never even selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.assistant.models import Conversation
from borough.cases.errors import NotAllowed
from borough.cases.models import Case, CaseEvent, Status
from borough.catalogue.models import Upload
from borough.contacts.models import FormSession
from borough.core.actors import Actor
from borough.core.models import AuditEvent
from borough.core.services import actor_label
from borough.homes.models import HourlyReading, Reading
from borough.integrations.models import Delivery
from borough.notify.models import Message
from borough.people.models import Resident
from borough.singleview.models import LinkageImport
from borough.telephony.models import CallRecording

from .models import LegalHold, RecordKind, RetentionRule, RetentionRun


@dataclass(frozen=True)
class Holds:
    """What the legal holds in force keep: requests and people."""

    case_ids: frozenset[int]
    resident_ids: frozenset[int]
    user_ids: frozenset[int]
    emails: frozenset[str]

    @classmethod
    def in_force(cls) -> Holds:
        active = LegalHold.objects.filter(released_at__isnull=True)
        resident_ids = set(active.exclude(resident=None).values_list("resident_id", flat=True))
        held_cases = set(active.exclude(case=None).values_list("case_id", flat=True))
        case_ids = held_cases | set(
            Case.objects.filter(resident_id__in=resident_ids).values_list("pk", flat=True)
        )
        people = Resident.objects.filter(pk__in=resident_ids)
        return cls(
            case_ids=frozenset(case_ids),
            resident_ids=frozenset(resident_ids),
            user_ids=frozenset(people.exclude(user=None).values_list("user_id", flat=True)),
            emails=frozenset(e.lower() for e in people.values_list("email", flat=True) if e),
        )


@dataclass
class KindPlan:
    """One kind of record under one rule: what goes and how many a hold keeps."""

    kind: str
    label: str
    rule: RetentionRule
    records: QuerySet
    spared: int
    count: int = 0


@dataclass
class Plan:
    now: dt.datetime
    kinds: list[KindPlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.kinds:
            totals[item.kind] = totals.get(item.kind, 0) + item.count
        return totals

    def spared(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.kinds:
            totals[item.kind] = totals.get(item.kind, 0) + item.spared
        return totals


def _cutoff(rule: RetentionRule, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=rule.keep_days)


def _closed_cases(rule: RetentionRule, now: dt.datetime, holds: Holds, others) -> tuple:
    due = Case.objects.filter(status=Status.CLOSED, closed_at__lt=_cutoff(rule, now))
    if rule.service_id is not None:
        due = due.filter(service_id=rule.service_id)
    else:  # the default rule: services with a rule of their own follow that one
        due = due.exclude(service_id__in=others)
    kept = Q(pk__in=holds.case_ids) | Q(resident_id__in=holds.resident_ids)
    return due.exclude(kept), due.filter(kept)


def _chats(rule, now, holds, others) -> tuple:
    due = Conversation.objects.filter(updated_at__lt=_cutoff(rule, now)).exclude(
        status__in=[Conversation.Status.WAITING, Conversation.Status.LIVE]
    )
    kept = Q(resident_id__in=holds.resident_ids) | Q(cases__in=holds.case_ids)
    held = set(due.filter(kept).values_list("pk", flat=True))
    return due.exclude(pk__in=held), held


def _uploads(rule, now, holds, others) -> tuple:
    due = Upload.objects.filter(case__closed_at__lt=_cutoff(rule, now))
    kept = Q(case_id__in=holds.case_ids)
    return due.exclude(kept), due.filter(kept)


def _outbox(rule, now, holds, others) -> tuple:
    due = Message.objects.filter(created__lt=_cutoff(rule, now))
    kept = Q(case_id__in=holds.case_ids) | Q(to__in=holds.emails)
    return due.exclude(kept), due.filter(kept)


def _deliveries(rule, now, holds, others) -> tuple:
    due = Delivery.objects.filter(created_at__lt=_cutoff(rule, now)).exclude(
        status=Delivery.Status.PENDING
    )
    kept = Q(case_id__in=holds.case_ids)
    return due.exclude(kept), due.filter(kept)


def _linkage_runs(rule, now, holds, others) -> tuple:
    latest = LinkageImport.objects.order_by("-imported_at", "-pk").values("pk")[:1]
    due = LinkageImport.objects.filter(imported_at__lt=_cutoff(rule, now)).exclude(pk__in=latest)
    return due, due.none()


def _audit_log(rule, now, holds, others) -> tuple:
    due = AuditEvent.objects.filter(at__lt=_cutoff(rule, now))
    kept = Q(resident_id__in=holds.resident_ids) | Q(
        object_type="case", object_id__in=[str(pk) for pk in holds.case_ids]
    )
    return due.exclude(kept), due.filter(kept)


def _saved_forms(rule, now, holds, others) -> tuple:
    due = FormSession.objects.filter(saved_at__lt=_cutoff(rule, now))
    kept = Q(user_id__in=holds.user_ids) | Q(case_id__in=holds.case_ids)
    return due.exclude(kept), due.filter(kept)


def _sensor_readings(rule, now, holds, others) -> tuple:
    # Readings name a device, never a person: a hold on a person or a request keeps none.
    due = Reading.objects.filter(at__lt=_cutoff(rule, now))
    return due, due.none()


def _call_recordings(rule, now, holds, others) -> tuple:
    # Each line sets how long its recordings are kept (``delete_after``); the rule is the
    # longest any may be kept, whatever a line says.
    due = CallRecording.objects.filter(
        Q(delete_after__lt=now) | Q(stored_at__lt=_cutoff(rule, now))
    )
    kept = Q(call__resident_id__in=holds.resident_ids) | Q(call__case_id__in=holds.case_ids)
    return due.exclude(kept), due.filter(kept)


SELECTORS: dict[str, Callable[..., tuple]] = {
    RecordKind.CLOSED_CASES: _closed_cases,
    RecordKind.CHATS: _chats,
    RecordKind.UPLOADS: _uploads,
    RecordKind.OUTBOX: _outbox,
    RecordKind.WEBHOOK_DELIVERIES: _deliveries,
    RecordKind.LINKAGE_RUNS: _linkage_runs,
    RecordKind.AUDIT_LOG: _audit_log,
    RecordKind.SAVED_FORMS: _saved_forms,
    RecordKind.SENSOR_READINGS: _sensor_readings,
    RecordKind.CALL_RECORDINGS: _call_recordings,
}


def retention_plan(now: dt.datetime | None = None) -> Plan:
    """What the schedule would remove now, kind by kind, and how many a legal hold keeps."""
    now = now or timezone.now()
    holds = Holds.in_force()
    plan = Plan(now=now)
    rules = list(RetentionRule.objects.select_related("service"))
    own_rules = [r.service_id for r in rules if r.service_id is not None]
    for rule in rules:
        records, held = SELECTORS[rule.kind](rule, now, holds, own_rules)
        spared = len(held) if isinstance(held, set) else held.count()
        label = RecordKind(rule.kind).label
        if rule.kind == RecordKind.CLOSED_CASES:
            label += f": {rule.service.name}" if rule.service else ": every other service"
        item = KindPlan(rule.kind, label, rule, records, spared)
        item.count = records.count()
        plan.kinds.append(item)
    return plan


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def _delete_uploads(uploads: QuerySet) -> int:
    paths = list(uploads.values_list("path", flat=True))
    uploads.delete()
    # Files go only once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(paths))
    return len(paths)


def _remove(item: KindPlan) -> int:
    """Delete or anonymise one kind's records; returns how many."""
    ids = list(item.records.values_list("pk", flat=True))
    if not ids:
        return 0
    model = item.records.model
    records = model.objects.filter(pk__in=ids)
    anonymise = item.rule.action == RetentionRule.Action.ANONYMISE
    if item.kind == RecordKind.CLOSED_CASES:
        _delete_uploads(Upload.objects.filter(case_id__in=ids))
        if anonymise:
            CaseEvent.objects.filter(case_id__in=ids).update(text="")
            records.update(resident=None, answers={}, location_description="")
            return len(ids)
    elif item.kind == RecordKind.UPLOADS:
        return _delete_uploads(records)
    elif item.kind == RecordKind.CALL_RECORDINGS:
        paths = list(records.values_list("audio", flat=True))
        records.delete()
        transaction.on_commit(lambda: _delete_files(paths))
        return len(paths)
    elif item.kind == RecordKind.SAVED_FORMS or anonymise:
        if item.kind == RecordKind.SAVED_FORMS:
            return records.update(saved_answers={}, saved_postcodes={}, saved_at=None)
        if item.kind == RecordKind.WEBHOOK_DELIVERIES:
            return records.update(body="")
    if item.kind == RecordKind.SENSOR_READINGS:
        # The hourly roll-ups go with the readings they were made from.
        HourlyReading.objects.filter(hour__lt=_cutoff(item.rule, timezone.now())).delete()
    records.delete()
    return len(ids)


def retention_apply(*, actor: Actor, dry_run: bool = False, now=None) -> RetentionRun:
    """Apply the schedule (or, with ``dry_run``, only count): one transaction, one log row
    with the counts of each kind removed and of each kind a hold spared."""
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may run retention")
    started = timezone.now()
    with transaction.atomic():
        plan = retention_plan(now)
        if not dry_run:
            for item in plan.kinds:
                item.count = _remove(item)
        return RetentionRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            dry_run=dry_run,
            actor_label=actor_label(actor),
            counts=plan.counts(),
            spared=plan.spared(),
        )
