"""Reading contacts."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import Contact, Feedback, FormSession
from .services import SAVED_FORM_DAYS


def contacts_for_resident(resident, *, limit: int = 100) -> QuerySet[Contact]:
    """A resident's contacts on every channel, newest first."""
    return (
        Contact.objects.filter(resident=resident)
        .select_related("case", "service", "handled_by")
        .order_by("-started_at")[:limit]
    )


def form_sessions_saved(*, user, service=None):
    """A resident's unfinished, unexpired saved forms, newest first."""
    since = timezone.now() - dt.timedelta(days=SAVED_FORM_DAYS)
    found = FormSession.objects.filter(
        user=user, completed_at__isnull=True, saved_at__gte=since
    ).select_related("service")
    if service is not None:
        found = found.filter(service=service)
    return found.order_by("-saved_at")


def feedback_for_cases(cases) -> QuerySet[Feedback]:
    """Satisfaction answers given about these cases, oldest first."""
    return Feedback.objects.filter(case__in=cases).select_related("service").order_by("given_at")


def feedback_given(*, case, point: str) -> bool:
    """Has the satisfaction question been answered for this case at this point?"""
    return Feedback.objects.filter(case=case, point=point).exists()
