"""What the inclusion actions refuse with."""

from __future__ import annotations

from borough.cases.errors import NotAllowed


class Invalid(ValueError):
    """A change refused, with one message per field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed("Not allowed")
