"""Core write services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .actors import ApiClientActor, ResidentActor, StaffActor, SystemActor
from .logging import channel_var, request_id_var
from .models import AuditEvent


def actor_label(actor: Any) -> str:
    """How the audit log names who acted, so that it still says who after the account is gone:
    ``user 12: Ann Lee <ann@example.gov.uk>``, ``API client 3: Repairs system``,
    ``system: sla-check``, ``resident 41`` (not signed in) or ``system``."""
    match actor:
        case StaffActor(user=user):
            return actor_label(user)
        case ResidentActor(user=user, resident=resident):
            if user is not None:
                return actor_label(user)
            return f"resident {resident.pk}" if resident is not None else "resident (not signed in)"
        case ApiClientActor(client_id=client_id, name=name):
            return f"API client {client_id}: {name}"[:200]
        case SystemActor(name=name):
            return f"system: {name}"[:200]
        case None:
            return "system"
    if not getattr(actor, "is_authenticated", False):
        return "anonymous"
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    email = getattr(actor, "email", "")
    who = f"{name} <{email}>" if name and email else (name or email)
    return f"user {actor.pk}: {who}"[:200]


def _acting_user(actor: Any) -> Any:
    if isinstance(actor, StaffActor | ResidentActor):
        actor = actor.user
    return actor if getattr(actor, "is_authenticated", False) else None


def _channel(actor: Any) -> str:
    """The channel of the request being served, or "api" / "system" from the actor."""
    current = channel_var.get()
    if current:
        return current
    if isinstance(actor, ApiClientActor):
        return AuditEvent.Channel.API
    return AuditEvent.Channel.SYSTEM


def audit_record(
    *,
    actor,
    action: str,
    object_type: str,
    object_id,
    summary: str = "",
    resident_id: int | None = None,
    fields: Iterable[str] = (),
    channel: str = "",
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to a record.

    ``actor`` is a user, a typed actor (``core.actors``) or None for Borough itself; the row
    keeps a label naming them that outlives their account. ``resident_id`` says whose personal
    data it was (for the resident's "who has seen or changed this" page); ``fields`` the names
    of the fields changed, never their values. The channel (hub, admin, API, portal) is that of
    the request being served unless given.

    Call it for every view or change of personal data by staff. It writes one row and never
    copies the personal data itself.
    """
    request_id = request_id_var.get()
    return AuditEvent.objects.create(
        actor=_acting_user(actor),
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        resident_id=resident_id,
        changed_fields=sorted(set(fields)),
        channel=channel or _channel(actor),
        summary=summary[:200],
        request_id=request_id if request_id != "-" else "",
    )
