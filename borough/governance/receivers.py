"""What information governance hears from other apps: a process asking for a case's records to
be kept from retention while enforcement is possible (``processes.signals.evidence_hold``),
answered with a legal hold placed by the process, or released by it."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from borough.core.services import audit_record
from borough.processes.signals import evidence_hold

from .models import LegalHold


@receiver(evidence_hold, dispatch_uid="governance-evidence-hold")
def on_evidence_hold(sender: str, case, hold: bool, reason: str = "", **kwargs) -> int | None:
    by = f"process:{sender}"
    current = LegalHold.objects.filter(case=case, placed_by=by, released_at__isnull=True).first()
    if hold:
        if current is None:  # once, however often the process asks (a retry)
            current = LegalHold.objects.create(
                case=case, reason=reason[:300], placed_at=timezone.now(), placed_by=by
            )
            audit_record(
                actor=None,
                action="created",
                object_type="legal_hold",
                object_id=current.pk,
                resident_id=case.resident_id,
                summary=f"legal hold placed by the {sender} process: enforcement possible",
            )
        return current.pk
    if current is not None:
        current.released_at, current.released_by = timezone.now(), by
        current.save(update_fields=["released_at", "released_by"])
        audit_record(
            actor=None,
            action="changed",
            object_type="legal_hold",
            object_id=current.pk,
            resident_id=case.resident_id,
            fields=["released_at"],
            summary=f"legal hold released by the {sender} process: no enforcement action",
        )
    return None
