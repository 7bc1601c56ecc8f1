"""Core write services."""

from __future__ import annotations

from .logging import request_id_var
from .models import AuditEvent


def audit_record(
    *, actor, action: str, object_type: str, object_id, summary: str = ""
) -> AuditEvent:
    """Record that ``actor`` (a user, or None for the system) did ``action`` to a record.

    Call it for every view or change of personal data by staff. It writes one row and never
    copies the personal data itself.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:200],
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
    )
