"""Webhook subscriptions and their deliveries; connectors to back-office systems, the routing of
new cases to them and the updates they send back."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from borough.core.encryption import EncryptedTextField


class EventType(models.TextChoices):
    CASE_CREATED = "case.created", "A case is created"
    CASE_STATUS_CHANGED = "case.status_changed", "A case's status changes"
    CASE_UPDATED = "case.updated", "A case is updated (public update, assignment, priority, team)"
    CASE_CLOSED = "case.closed", "A case is closed"


class WebhookSubscription(models.Model):
    """An API client's request to be told of case events at a URL, signed with a secret."""

    client = models.ForeignKey(
        "clients.ApiClient", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    target_url = models.URLField(max_length=500)
    # Kept to sign each delivery (HMAC needs the secret itself), encrypted at rest (ADR 0028);
    # shown to people only once.
    secret = EncryptedTextField()
    secret_prefix = models.CharField(max_length=12)
    event_types = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["client__name", "target_url"]

    def __str__(self) -> str:
        return f"{self.client} -> {self.target_url}"

    def event_labels(self) -> list[str]:
        return [EventType(e).label if e in EventType.values else e for e in self.event_types]


class OutboundEvent(models.Model):
    """One case event told to subscribers, numbered in order within its case."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=32, choices=EventType.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    case_event = models.OneToOneField("cases.CaseEvent", on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="outboundevent_case_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.sequence} of case {self.case_id}"


class Delivery(models.Model):
    """One event to one subscription: sent until a 2xx answer, then never again (unless an
    admin replays it). ``body`` is fixed when the row is made, so every try sends the same."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Gave up (dead letter)"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboundEvent, on_delete=models.CASCADE, related_name="deliveries")
    # Copied from the event, so "is an earlier event of this case still waiting?" is one index.
    case_id = models.BigIntegerField()
    sequence = models.PositiveIntegerField()
    body = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A worker sending it holds this lease; another worker leaves the row alone until it ends.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="delivery_one_per_subscription_event"
            )
        ]
        indexes = [
            models.Index(fields=["subscription", "case_id", "sequence"], name="delivery_order"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: what came back, and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    replay = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"try of delivery {self.delivery_id}: {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Connector(models.Model):
    """A back-office system new cases are sent on to, and which sends status updates back."""

    class Kind(models.TextChoices):
        OPEN311 = "open311", "Open311 GeoReport v2 endpoint"
        JSON = "json", "JSON over HTTP"
        EMAIL = "email", "Email to a back-office mailbox"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Open311: the base URL (".../open311/v2"); JSON: the URL cases are posted to.
    endpoint = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    # Open311: the api_key; JSON: the bearer token. Shown once. Encrypted at rest (ADR 0028).
    credential = EncryptedTextField(blank=True)
    # JSON: the HMAC secret for the Borough-Signature header, if the system checks one.
    signing_secret = EncryptedTextField(blank=True)
    # The system's statuses and the workflow state (or base status) each becomes.
    status_map = models.JSONField(default=dict, blank=True)
    # Hash of the token the system sends to the inbound endpoint (shown once).
    inbound_token_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    # The API client the system uses to send updates to Borough's Open311: it may update the
    # cases handed off to this connector as well as its own (issue 16).
    api_client = models.ForeignKey(
        "clients.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Open311: the last time its service request updates were read.
    polled_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceRoute(models.Model):
    """Where new cases of a service are sent: the routing setting of one service."""

    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.CASCADE, related_name="route"
    )
    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="routes")
    # Open311: the other system's service_code (blank: the same as Borough's).
    remote_service_code = models.CharField(max_length=100, blank=True)
    # Open311: attributes sent whatever the answers were ({"code": "value"}).
    fixed_attributes = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.service} -> {self.connector}"


class Handoff(models.Model):
    """A case sent on (or being sent on) to a connector, and what the other system calls it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="handoff")
    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="handoffs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    external_id = models.CharField(max_length=100, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_external_status = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "external_id"], name="handoff_unique_external_id"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="handoff_due")]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.connector_id} ({self.status})"


class InboundUpdate(models.Model):
    """An update a connector's system sent, kept so the same update sent twice is applied once."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="updates")
    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="updates")
    digest = models.CharField(max_length=64)
    external_status = models.CharField(max_length=60, blank=True)
    case_event_id = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["connector", "digest"], name="inboundupdate_once")
        ]

    def __str__(self) -> str:
        return f"update from {self.connector_id}: {self.external_status}"


class CouncilSystem(models.TextChoices):
    """The council's own back-office systems a process updates (issue 19, tell us once)."""

    COUNCIL_TAX = "council_tax", "Council tax"
    WASTE = "waste", "Waste and recycling (bins)"
    PARKING = "parking", "Parking permits"
    ELECTORAL = "electoral_registration", "Electoral registration office"


class SandboxSystem(models.Model):
    """SANDBOX. The embedded stand-in for one council system that has no connector yet
    (``integrations.systems``): it records what it was sent. An administrator may mark it down
    to see a process step fail and be retried."""

    system = models.CharField(max_length=32, choices=CouncilSystem.choices, unique=True)
    is_down = models.BooleanField(
        default=False, help_text="Pretend the system is down: every call to it fails"
    )

    class Meta:
        ordering = ["system"]

    def __str__(self) -> str:
        return f"Sandbox: {self.get_system_display()}"


class SandboxSystemCall(models.Model):
    """SANDBOX. One thing a sandbox system was sent. The same operation for the same
    reference is kept once and answered with the same receipt (as an idempotency key)."""

    system = models.CharField(max_length=32, choices=CouncilSystem.choices)
    operation = models.CharField(max_length=60)
    reference = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    receipt = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "operation", "reference"], name="sandboxsystemcall_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.operation} {self.reference}"


class SandboxDiscount(models.Model):
    """SANDBOX. A single person discount as the council tax sandbox holds it: awarded,
    and ended (only ever by a person's decision, through the discount review process)."""

    account_ref = models.CharField(max_length=20, unique=True)
    uprn = models.BigIntegerField(db_index=True)
    holder_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    awarded_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["account_ref"]

    def __str__(self) -> str:
        return f"Sandbox discount {self.account_ref}"
