"""What the actions on cases refuse with. Each caller shows them its own way: the hub's error
summary, the API's error envelope, the portal's form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class CaseInvalid(ValueError):
    """The answers cannot make a case. ``errors`` maps question ids to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


class TransitionRefused(ValueError):
    """A change the workflow or the rules do not allow. ``str(error)`` says why.

    ``field`` names the input the message is about, when it is not the action's main one.
    """

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class CaseChanged(ValueError):
    """Someone else changed the case since it was read. ``str(error)`` says so in plain words."""


class NotAllowed(PermissionDenied):
    """The actor may not do this to this case (the hub answers 403, the API ``forbidden``)."""


class TemplateInvalid(ValueError):
    """A response template that cannot be saved. ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def refuse_unless(allowed: bool) -> None:
    """Raise ``NotAllowed`` unless the policy the action asked allowed it (ADR 0023)."""
    if not allowed:
        raise NotAllowed
