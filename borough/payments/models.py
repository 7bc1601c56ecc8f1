"""Payments through GOV.UK Pay (issue 20, ADR 0030).

``Payment`` is Borough's side of one attempt to pay for a request: the answers it pays for (so
a failed or abandoned attempt loses nothing and a paid one can make the case even when the
resident never comes back), the amount, Pay's id and the state Pay last told us. The case is
made only when Pay says ``success``. ``PayWebhookReceipt`` keeps each webhook message id once,
so a replay does nothing. ``SandboxPayment`` is the embedded sandbox's own record (the
sandbox stands in for Pay; Borough's code never reads it).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models

from borough.catalogue.fees import pounds


def _token() -> str:
    return secrets.token_urlsafe(24)


class PayState(models.TextChoices):
    """GOV.UK Pay's payment statuses, plus NEW: made here, not yet accepted by Pay."""

    NEW = "new", "Not yet sent to GOV.UK Pay"
    CREATED = "created", "Created"
    STARTED = "started", "Started"
    SUBMITTED = "submitted", "Submitted"
    CAPTURABLE = "capturable", "Capturable"
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    ERROR = "error", "Error"


IN_PROGRESS = {PayState.NEW, PayState.CREATED, PayState.STARTED, PayState.SUBMITTED}
FINISHED = {PayState.SUCCESS, PayState.FAILED, PayState.CANCELLED, PayState.ERROR}


class Payment(models.Model):
    # The random token in the return URL: how a returning resident is matched to this attempt.
    token = models.CharField(max_length=64, unique=True, default=_token)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="payments"
    )
    form_token = models.CharField(max_length=64, db_index=True)
    answers = models.JSONField(default=dict)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount_pence = models.PositiveIntegerField()
    reference = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=2, default="en")
    pay_id = models.CharField(max_length=64, blank=True, db_index=True)
    next_url = models.URLField(max_length=2000, blank=True)
    state = models.CharField(max_length=12, choices=PayState.choices, default=PayState.NEW)
    failure_code = models.CharField(max_length=8, blank=True)
    refunded_pence = models.PositiveIntegerField(default=0)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="payment"
    )
    # How the money came: the resident online (web), or a member of staff for a caller (MOTO:
    # the agent types the card details the caller reads out on Pay's own page), or a renewal
    # Pay takes on its own from a recurring-payments agreement.
    channel = models.CharField(max_length=20, default="web", db_index=True)
    moto = models.BooleanField(default=False)
    # How the resident chose to hear about the request (email, sms, letter; "" their usual
    # way), given on check answers before paying: the case made once paid takes it.
    contact_by = models.CharField(max_length=10, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_seconds = models.PositiveIntegerField(null=True, blank=True)
    agreement = models.ForeignKey(
        "payments.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    # A renewal pays for another year of an agreement's service: it makes no new case.
    renewal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS

    @property
    def amount_display(self) -> str:
        return pounds(self.amount_pence)

    @property
    def left_to_refund_display(self) -> str:
        return pounds(max(self.amount_pence - self.refunded_pence, 0))


class AgreementState(models.TextChoices):
    """GOV.UK Pay's agreement statuses."""

    CREATED = "created", "Waiting for the first payment"
    ACTIVE = "active", "Renews each year"
    CANCELLED = "cancelled", "Cancelled"
    INACTIVE = "inactive", "Stopped (the card can no longer be used)"


class Agreement(models.Model):
    """A recurring-payments agreement with GOV.UK Pay for a subscription that renews each year
    (garden waste): set up by the resident's first payment, renewed by Pay from the card the
    resident agreed to, cancelled by the resident in MyAccount (or by Pay when the card stops
    working)."""

    reference = models.CharField(max_length=64, unique=True)
    pay_id = models.CharField(max_length=64, blank=True, db_index=True)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The request the subscription was first made by: renewals are written on its timeline.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True)
    description = models.CharField(max_length=255)
    amount_pence = models.PositiveIntegerField()
    state = models.CharField(
        max_length=10, choices=AgreementState.choices, default=AgreementState.CREATED
    )
    renews_on = models.DateField(null=True, blank=True)
    # The renewal date the resident was last told about (so each notice goes once).
    notice_sent_for = models.DateField(null=True, blank=True)
    last_failure = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"

    @property
    def amount_display(self) -> str:
        return pounds(self.amount_pence)


class PayWebhookReceipt(models.Model):
    """A webhook message from Pay, kept by its id so a replayed message changes nothing."""

    message_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class SandboxPayment(models.Model):
    """A payment in the embedded sandbox (the stand-in for GOV.UK Pay)."""

    payment_id = models.CharField(max_length=26, unique=True)
    idempotency_key = models.CharField(max_length=255, blank=True, db_index=True)
    request = models.JSONField(default=dict)
    state = models.CharField(max_length=12, default="created")
    failure_code = models.CharField(max_length=8, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    events = models.JSONField(default=list)
    refunds = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"sandbox {self.payment_id} ({self.state})"


class SandboxAgreement(models.Model):
    """An agreement in the embedded sandbox."""

    agreement_id = models.CharField(max_length=26, unique=True)
    request = models.JSONField(default=dict)
    status = models.CharField(max_length=10, default="created")
    card_last4 = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sandbox agreement {self.agreement_id} ({self.status})"


class Refund(models.Model):
    """Money given back on a paid request by an officer allowed to (``may_refund``), with why."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.PositiveIntegerField()
    reason = models.TextField()
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pay_refund_id = models.CharField(max_length=64)
    status = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.amount_pence}p refund of {self.payment.reference}"

    @property
    def amount_display(self) -> str:
        return pounds(self.amount_pence)
