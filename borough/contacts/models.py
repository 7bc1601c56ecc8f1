"""Every contact with the council, by channel, and online form sessions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from borough.core.channels import SELF_SERVICE_CHANNELS, Channel


class Contact(models.Model):
    """One contact: a call, a visit, an email, a chat, a letter or an online submission."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", "From the resident"
        OUTBOUND = "outbound", "To the resident"

    class Outcome(models.TextChoices):
        REQUEST_RAISED = "request_raised", "Request raised"
        ANSWERED = "answered", "Question answered"
        UPDATE_GIVEN = "update_given", "Update on an existing request"
        REFERRED = "referred", "Referred elsewhere"
        NO_ACTION = "no_action", "No action"

    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    started_at = models.DateTimeField(db_index=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    service = models.ForeignKey(
        "catalogue.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_contacts",
    )
    reason = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["channel", "started_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} contact at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_self_service(self) -> bool:
        return self.channel in SELF_SERVICE_CHANNELS and self.handled_by_id is None


class FormSession(models.Model):
    """A resident starting an online form; completed when a request is submitted."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Request submitted"
        NOT_ELIGIBLE = "not_eligible", "Exit page: cannot be done online"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.CASCADE, related_name="form_sessions"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    started_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="form_sessions"
    )
    # Save and come back later (signed-in residents only): the answers so far, kept until the
    # form is sent or SAVED_FORM_DAYS pass, then wiped.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="form_sessions",
    )
    saved_answers = models.JSONField(default=dict, blank=True)
    saved_postcodes = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["service", "started_at"]),
            models.Index(fields=["user", "service", "saved_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.service} form started {self.started_at:%Y-%m-%d}"


class Feedback(models.Model):
    """A resident's answer to "how satisfied were you with this service?" at the end of a task.

    The five answers are the GDS satisfaction scale; every one is kept (not only the share
    satisfied) so the KPI can be shown either way. The comment is optional and free text.
    """

    class Score(models.IntegerChoices):
        VERY_DISSATISFIED = 1, "Very dissatisfied"
        DISSATISFIED = 2, "Dissatisfied"
        NEUTRAL = 3, "Neither satisfied nor dissatisfied"
        SATISFIED = 4, "Satisfied"
        VERY_SATISFIED = 5, "Very satisfied"

    class Point(models.TextChoices):
        SUBMITTED = "submitted", "After sending a request"
        NOT_ELIGIBLE = "not_eligible", "After being told it cannot be done online"
        CLOSED = "closed", "After the request was closed"

    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.CASCADE, related_name="feedback"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    point = models.CharField(max_length=16, choices=Point.choices)
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    comment = models.TextField(blank=True, max_length=1200)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    given_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["service", "channel", "given_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="feedback_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_score_display()} ({self.service})"
