"""Every message Borough sends, whichever provider delivers it (the outbox)."""

from __future__ import annotations

from django.db import models


class Message(models.Model):
    """One email, as written and as far as it got. Holds personal data: staff views are audited.

    Every message is recorded, whichever provider is set: the embedded sandbox provider only
    records it (nothing leaves the machine), the email provider records and sends it.
    """

    class Status(models.TextChoices):
        SANDBOX = "sandbox", "Kept in the sandbox outbox (not sent)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    template = models.CharField(max_length=60)
    # The case the message is about, if any (a foreign key only: notify does not import cases).
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["template", "created"]),
            models.Index(fields=["status", "created"]),
        ]

    def __str__(self) -> str:
        return f"{self.template} at {self.created:%Y-%m-%d %H:%M}"
