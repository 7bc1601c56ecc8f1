"""What integrations do when ``cases`` announces a committed timeline event."""

from __future__ import annotations

from .tasks import case_event_published


def case_event_recorded(sender, *, event_id: int, case_id: int, **kwargs) -> None:
    """Queue the webhooks and, for a new case, the routing to a connector (tasks.py)."""
    case_event_published(event_id)
