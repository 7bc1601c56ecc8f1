"""Clients of Borough's APIs (Open311 GeoReport v2 now, the REST API later)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    OPEN311_POST = "open311.post", "Send Open311 requests and updates"
    CASES_READ = "cases.read", "Read cases, with addresses"
    CASES_WRITE = "cases.write", "Create and update cases"
    RESIDENTS_READ = "residents.read", "Read residents"


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
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [Scope(s).label if s in Scope.values else s for s in self.scopes]
