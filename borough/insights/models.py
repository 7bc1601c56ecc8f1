"""Pre-aggregated counts the KPI pages read (never the raw events)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from borough.core.channels import Channel


class Kpi(models.TextChoices):
    """What a daily count counts. Rates and costs are worked out from these when shown."""

    CONTACTS = "contacts", "Contacts from residents"
    CONTACTS_SELF_SERVICE = "contacts_self_service", "Self-service contacts"
    CONTACTS_TIMED = "contacts_timed", "Contacts with a recorded length"
    CONTACT_SECONDS = "contact_seconds", "Seconds spent on contacts"
    CONTACTS_WITH_CASE = "contacts_with_case", "Contacts about a request"
    REPEAT_CONTACTS = "repeat_contacts", "Repeat contacts within 7 days"
    LETTERS_SENT = "letters_sent", "Letters sent"
    FORMS_STARTED = "forms_started", "Online forms started"
    FORMS_SUBMITTED = "forms_submitted", "Online forms sent"
    FORMS_NOT_ELIGIBLE = "forms_not_eligible", "Online forms ended at an exit page"
    CASES_OPENED = "cases_opened", "Requests raised"
    CASES_CLOSED = "cases_closed", "Requests closed"
    CASE_CLOSE_SECONDS = "case_close_seconds", "Seconds from raising to closing"
    FEEDBACK_1 = "feedback_1", "Very dissatisfied"
    FEEDBACK_2 = "feedback_2", "Dissatisfied"
    FEEDBACK_3 = "feedback_3", "Neither satisfied nor dissatisfied"
    FEEDBACK_4 = "feedback_4", "Satisfied"
    FEEDBACK_5 = "feedback_5", "Very satisfied"
    STAFF_MINUTES = "staff_minutes", "Minutes of staff time recorded on requests"
    AUTOMATED_MINUTES = "automated_minutes", "Minutes of staff time saved by automated steps"
    RESIDENTS_REGISTERED = "residents_registered", "Resident accounts created"
    RESIDENTS_SIGNED_IN = "residents_signed_in", "Residents who signed in"
    # Payments (issue 20): by the day Pay took, failed or refunded the money.
    PAYMENTS_TAKEN = "payments_taken", "Card payments taken"
    INCOME_PENCE = "income_pence", "Pence taken by card"
    PAYMENTS_FAILED = "payments_failed", "Card payments that failed (not cancellations)"
    REFUNDS = "refunds", "Refunds given"
    REFUND_PENCE = "refund_pence", "Pence refunded"
    # Digital inclusion (issue 26): by the ward of the resident's home.
    DEVICES_LENT = "devices_lent", "Devices handed over on loan"
    DEVICES_RETURNED = "devices_returned", "Devices returned"
    SKILLS_BOOKED = "skills_booked", "Digital skills places booked"
    SKILLS_ATTENDED = "skills_attended", "Digital skills places attended"
    SURVEYS_ANSWERED = "surveys_answered", "Device surveys answered"
    SURVEYS_DOING_MORE = "surveys_doing_more", "Device surveys: can now do something online"
    PAYABLE_CASES_OPENED = "payable_cases_opened", "Requests raised for a paid service"
    CASES_PAID_BY_CARD = "cases_paid_by_card", "Requests for a paid service paid by card"


class DailyCount(models.Model):
    """One number for one day, KPI, service, channel and team.

    Filled only by ``borough.insights.services.counts_rebuild``, which deletes and inserts whole
    days, so a rerun gives the same rows. ``channel`` is blank when the count has no channel;
    ``service``, ``team`` and ``ward`` are empty when the event had none.
    """

    day = models.DateField()
    kpi = models.CharField(max_length=32, choices=Kpi.choices)
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The ward of the request the event was about (none for events about no request).
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "kpi"]),
            models.Index(fields=["service", "day"]),
            models.Index(fields=["channel", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kpi}={self.value}"


class CountedDay(models.Model):
    """A day whose counts have been built, and when: the pages say which days are not."""

    day = models.DateField(primary_key=True)
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} counted at {self.counted_at:%Y-%m-%d %H:%M}"


class ResidentSignIn(models.Model):
    """A resident signed in to their account on this (local) day: at most one row a day each.

    ``User.last_login`` keeps only the latest sign-in, so counting from it would lose every
    earlier day when a day is rebuilt; this keeps each day. Deleted with the account.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "user"], name="insights_one_sign_in_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} sign-in"
