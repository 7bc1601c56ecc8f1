"""Every message Borough sends, whichever provider delivers it (the outbox), the texts residents
send back, and the embedded GOV.UK Notify sandbox's own records."""

from __future__ import annotations

import uuid

from django.db import models


class MessageChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    LETTER = "letter", "Letter"


class Message(models.Model):
    """One email, text message or letter, as written and as far as it got. Holds personal data:
    staff views are audited.

    Every message is recorded, whichever provider is set: the ``outbox`` provider only records
    it, ``email`` records and sends it over SMTP, ``notify`` records it and hands it to GOV.UK
    Notify (or its embedded sandbox), whose delivery receipts update ``status``.
    """

    class Status(models.TextChoices):
        SANDBOX = "sandbox", "Kept in the outbox (not sent)"
        QUEUED = "queued", "Waiting to send (will try again)"
        SENDING = "sending", "Sent to GOV.UK Notify, waiting for a receipt"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        LETTER_POSTED = "received", "Letter printed and posted"
        TEMPORARY_FAILURE = "temporary-failure", "Not delivered yet (will try again)"
        PERMANENT_FAILURE = "permanent-failure", "Not delivered: wrong address or number"
        TECHNICAL_FAILURE = "technical-failure", "Not sent: GOV.UK Notify had a problem"
        RETURNED = "returned-letter", "Letter returned to the council"
        FAILED = "failed", "Failed: gave up trying"

    to = models.CharField(max_length=254)
    channel = models.CharField(
        max_length=8, choices=MessageChannel.choices, default=MessageChannel.EMAIL
    )
    subject = models.CharField(max_length=250)
    body = models.TextField()
    template = models.CharField(max_length=60)
    # What GOV.UK Notify's template is filled with (and, for letters, the address lines), so a
    # message can be sent again exactly as written.
    personalisation = models.JSONField(default=dict, blank=True)
    # The case and resident the message is about, if any (foreign keys by name only: notify
    # imports neither cases nor people).
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices)
    error = models.CharField(max_length=200, blank=True)
    # GOV.UK Notify's id for the latest try (a retry after a temporary failure gets a new one).
    notify_id = models.CharField(max_length=36, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["template", "created"]),
            models.Index(fields=["status", "created"]),
            models.Index(fields=["channel", "created"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.template} at {self.created:%Y-%m-%d %H:%M}"

    @property
    def needs_attention(self) -> bool:
        """Whether staff must act: it will not arrive unless someone does something."""
        return self.status in NEEDS_ATTENTION


NEEDS_ATTENTION = frozenset(
    {Message.Status.FAILED, Message.Status.PERMANENT_FAILURE, Message.Status.RETURNED}
)


class ReceivedText(models.Model):
    """A text message a resident sent to the council's Notify number (Notify's inbound SMS
    callback). Kept whether or not it could be matched to a case, so none is lost."""

    notify_id = models.CharField(max_length=36, unique=True)
    source_number = models.CharField(max_length=20)
    destination_number = models.CharField(max_length=20, blank=True)
    message = models.TextField()
    received_at = models.DateTimeField(db_index=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"text received {self.received_at:%Y-%m-%d %H:%M}"


class SandboxNotification(models.Model):
    """What the embedded GOV.UK Notify sandbox was asked to send (its side of the API)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    type = models.CharField(max_length=8)
    to = models.CharField(max_length=254)
    reference = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20)
    request = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    subject = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sandbox {self.type} {self.id}"
