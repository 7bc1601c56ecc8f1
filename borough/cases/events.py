"""How every action on a case writes: lock the case (refusing a change made from a page older
than the case), save the changed fields with a new version, and write the one timeline event
and its audit row, announced to other apps after the commit (``signals.case_event_recorded``)."""

from __future__ import annotations

from django.utils import timezone

from borough.core.actors import Actor, acting_user
from borough.core.services import audit_record

from .errors import CaseChanged
from .models import Case, CaseEvent
from .signals import announce_on_commit


def lock(case: Case, expected_version: int | None) -> Case:
    """The case, locked for update, refusing the change if it moved on since it was read."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        latest = current.events.order_by("-at", "-id").select_related("actor").first()
        who = f" by {latest.actor}" if latest and latest.actor else ""
        raise CaseChanged(
            f"This case was changed{who} while you were looking at it. Nothing you entered "
            "was saved: check the latest version below and try again."
        )
    return current


def lock_pair(case: Case, other: Case, expected_version: int | None) -> tuple[Case, Case]:
    """Lock two cases in id order (so two people acting at once cannot deadlock)."""
    if case.pk < other.pk:
        case = lock(case, expected_version)
        other = Case.objects.select_for_update().get(pk=other.pk)
    else:
        other = Case.objects.select_for_update().get(pk=other.pk)
        case = lock(case, expected_version)
    return case, other


def record(
    case: Case,
    *,
    kind: str,
    actor: Actor | None,
    text: str = "",
    data: dict | None = None,
    public: bool = False,
    fields: tuple[str, ...] = (),
) -> CaseEvent:
    """Save the changed fields with a new version and write the one timeline event."""
    now = timezone.now()
    case.version += 1
    case.updated_at = now
    case.save(update_fields=[*fields, "version", "updated_at"])
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        kind=kind,
        actor=acting_user(actor) if actor is not None else None,
        is_public=public,
        text=text,
        data=data or {},
    )
    audit_record(  # who changed a resident's case, as for any change of personal data
        actor=actor,
        action="created" if kind == CaseEvent.Kind.CREATED else "changed",
        object_type="case",
        object_id=case.pk,
        resident_id=case.resident_id,
        fields=fields,
        summary=f"case {case.reference}: {CaseEvent.Kind(kind).label}",
    )
    announce_on_commit(event)  # other apps (integrations) hear of it after the commit
    return event
