"""Versions of processes and decision tables (ADR 0040): a changed BPMN document or decision
table is saved as a new current version; instances keep the version they started with."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from borough.core.actors import Actor, acting_user

from . import engine, policies
from .models import DecisionTable, ProcessDefinition


def current_decisions() -> list[DecisionTable]:
    return list(DecisionTable.objects.filter(is_current=True).order_by("key"))


def load_definition(
    *,
    key: str,
    name: str,
    process_id: str,
    bpmn: str,
    description: str = "",
    minutes_saved: dict | None = None,
    service_slugs: list | None = None,
) -> ProcessDefinition:
    """Save ``bpmn`` as the current version of process ``key`` if it changed (a new version:
    new instances use it, running ones finish on theirs). Refuses a document that does not
    parse with the current decision tables."""
    used = engine.decision_keys(bpmn)
    engine.parse_cached(
        bpmn, process_id, tuple(t.dmn for t in current_decisions() if t.key in used)
    )
    checksum = hashlib.sha256(bpmn.encode()).hexdigest()
    with transaction.atomic():
        latest = ProcessDefinition.objects.select_for_update().filter(key=key).first()
        if latest and latest.checksum == checksum:
            fields = {
                "name": name,
                "description": description,
                "minutes_saved": minutes_saved or {},
                "service_slugs": service_slugs or [],
            }
            ProcessDefinition.objects.filter(pk=latest.pk).update(**fields)
            return ProcessDefinition.objects.get(pk=latest.pk)
        ProcessDefinition.objects.filter(key=key).update(is_current=False)
        return ProcessDefinition.objects.create(
            key=key,
            version=(latest.version + 1) if latest else 1,
            name=name,
            process_id=process_id,
            bpmn=bpmn,
            checksum=checksum,
            description=description,
            minutes_saved=minutes_saved or {},
            service_slugs=service_slugs or [],
            is_current=True,
            created_at=timezone.now(),
        )


def save_decision_table(
    *, key: str, name: str, dmn: str, actor: Actor | None = None, reason: str = ""
) -> DecisionTable:
    """Save a new current version of decision ``key`` (refusing one that does not parse)."""
    if actor is not None and not policies.may_change_decisions(actor):
        raise PermissionDenied("Only an administrator may change a decision table")
    if engine.check_decision(dmn) != key:
        raise engine.ProcessDocumentError(f"This document's decision is not {key}")
    with transaction.atomic():
        latest = DecisionTable.objects.select_for_update().filter(key=key).first()
        if latest and latest.dmn == dmn:
            return latest
        DecisionTable.objects.filter(key=key).update(is_current=False)
        return DecisionTable.objects.create(
            key=key,
            version=(latest.version + 1) if latest else 1,
            name=name,
            dmn=dmn,
            is_current=True,
            created_at=timezone.now(),
            created_by=acting_user(actor) if actor else None,
            reason=reason,
        )
