"""Clients of Borough's APIs (Open311 GeoReport v2 and the REST API v1), and the responses kept
for idempotent retries of the REST API's POSTs.

The tables keep the names they had when these models lived in the ``api`` app (ADR 0026)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from borough.core.actors import ApiClientActor


class Scope(models.TextChoices):
    OPEN311_POST = "open311.post", "Send Open311 requests and updates"
    OPEN311_STATUS = "open311.status", "Change the status of the Open311 requests it sent"
    CASES_READ = "cases.read", "Read cases, with addresses"
    CASES_WRITE = "cases.write", "Create and update cases"
    CASES_STATUS = "cases.status", "Change the status of the cases it created"
    RESIDENTS_READ = "residents.read", "Read residents (every read is audited)"
    PROPERTIES_READ = "properties.read", "Read properties and streets"
    CONTACTS_READ = "contacts.read", "Read contacts"
    CONTACTS_WRITE = "contacts.write", "Record contacts"
    PROCESSES_MESSAGE = "processes.message", "Send named messages to a case's processes"


class ApiClient(models.Model):
    """A system allowed to call Borough's APIs with a key. Only a hash of the key is kept."""

    name = models.CharField(max_length=120, unique=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The first characters of the key, shown in the hub so a key can be recognised.
    key_prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    # A rate such as "600/m"; blank uses BOROUGH_RATE_LIMITS["api"].
    rate_limit = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    # After this moment the key no longer works (empty: it works until deactivated).
    expires_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "api_apiclient"
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def as_actor(self) -> ApiClientActor:
        """This client as the actor of what it asks Borough to do (ADR 0023)."""
        return ApiClientActor(client_id=self.pk, name=self.name, scopes=frozenset(self.scopes))

    def scope_labels(self) -> list[str]:
        return [Scope(s).label if s in Scope.values else s for s in self.scopes]


class IdempotentResponse(models.Model):
    """The response to a POST sent with an ``Idempotency-Key``, kept for 24 hours so that the
    client's retry gets the same answer without a second write. Keys belong to one client."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path and the body (JSON with sorted keys): a retry with a
    # different request under the same key is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "api_idempotentresponse"
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotentresponse_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
