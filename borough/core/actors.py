"""Who is acting: the typed actor that every state-changing service takes (ADR 0023).

A view, an API router, the assistant, a task or a process step says who is acting by building
one of these and passing it to the service; the service asks ``accounts.policies`` whether that
actor may do this, and records who acted. No caller checks a policy for a service, so no caller
can forget to.

``core`` imports no other app, so the people and clients are typed loosely here: a
``StaffActor``'s ``user`` is an ``accounts.User``, a ``ResidentActor``'s ``resident`` a
``people.Resident``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias


@dataclass(frozen=True)
class StaffActor:
    """A member of council staff working in the Resident Hub (or the admin)."""

    user: Any

    def __str__(self) -> str:
        return str(self.user)


@dataclass(frozen=True)
class ResidentActor:
    """A resident acting for themselves on the portal, in chat or on the phone.

    ``user`` is their account when signed in; ``resident`` their record when Borough knows it.
    Someone holding a request's tracking link (not signed in) acts on that one request only:
    ``tracking_case_id``. A resident not signed in who starts a request has none of these.
    """

    resident: Any = None
    user: Any = None
    tracking_case_id: int | None = None

    def __str__(self) -> str:
        return str(self.user or self.resident or "a resident")


@dataclass(frozen=True)
class ApiClientActor:
    """An outside system calling Borough with an API key (REST API v1 or Open311)."""

    client_id: int
    name: str
    scopes: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SystemActor:
    """Borough itself: a scheduled task, a process step, an update a connector received.

    ``name`` says which ("sla-check", "connector:repairs-system").
    """

    name: str

    def __str__(self) -> str:
        return self.name


Actor: TypeAlias = StaffActor | ResidentActor | ApiClientActor | SystemActor


def acting_user(actor: Actor) -> Any:
    """The account to record as having acted (timeline events, links): the staff member's or
    the signed-in resident's; None for API clients, the system and residents not signed in."""
    if isinstance(actor, StaffActor | ResidentActor):
        return actor.user
    return None


def staff_user(actor: Actor) -> Any:
    """The staff member acting, or None when the actor is not staff."""
    return actor.user if isinstance(actor, StaffActor) else None
