"""Shared model pieces and the audit log of who saw and changed personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One access to, or change of, personal data by a person or a system.

    Written by ``borough.core.services.audit_record`` only. Never holds the personal data
    itself: it names the record (type and id) and what was done.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        EXPORTED = "exported", "Exported"
        DOWNLOADED = "downloaded", "Downloaded by the resident"
        CLAIMED = "claimed", "Linked to the resident's account"
        SEARCHED = "searched", "Shown in a staff search"
        # Staff AI helpers (issue 22): a draft update or a suggestion Borough made for a person.
        DRAFTED = "drafted", "Drafted by Borough for staff to check"
        SUGGESTED = "suggested", "Suggested by Borough to staff"

    class Channel(models.TextChoices):
        HUB = "hub", "Resident Hub"
        ADMIN = "admin", "Django admin"
        API = "api", "API"
        PORTAL = "portal", "Portal"
        SYSTEM = "system", "Borough itself"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who acted, as they were named when they acted ("user 12: Ann Lee <ann@council.gov.uk>",
    # "API client 3: Repairs system", "system: sla-check"): it outlives the account (issue 16).
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # The resident whose personal data this was (no foreign key: the row outlives the record).
    resident_id = models.BigIntegerField(null=True, blank=True)
    # Which fields were changed: their names, never their values.
    changed_fields = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["resident_id", "at"], name="core_audit_resident_at_idx"),
        ]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    @property
    def object_name(self) -> str:
        """What was seen or changed, in staff words ("Request 12", "Need 3")."""
        name = OBJECT_NAMES.get(self.object_type, self.object_type.replace("_", " ").capitalize())
        return name if self.object_type == "resident_access_log" else f"{name} {self.object_id}"


# How the audit log's object types read on the "who has seen or changed this record" page.
OBJECT_NAMES = {
    "resident": "Resident",
    "resident_need": "Need",
    "resident_access_log": "This list",
    "case": "Request",
    "case_event": "Request update",
    "case_attachment": "File on request",
    "contact": "Contact",
    "conversation": "Chat",
    "message": "Message",
    "household": "Household",
    "form_session": "Form",
}


class SecurityEvent(models.Model):
    """One refused or failed access, for operators to read (admin) and alert on (the same
    event is a JSON line on the ``borough.security`` logger).

    Written by ``borough.core.security_events`` only. Holds no personal data: the client's
    address only as a keyed hash (the same approach as rate limits), the user only by id, the
    URL only as its pattern (``/hub/cases/<str:reference>/``), never an email or a password.
    """

    class Kind(models.TextChoices):
        PERMISSION_DENIED = "permission_denied", "Permission denied (403)"
        CSRF_FAILURE = "csrf_failure", "CSRF check failed (403)"
        API_KEY_REFUSED = "api_key_refused", "API key refused"
        RATE_LIMITED = "rate_limited", "Rate limited (429)"
        SIGN_IN_RATE_LIMITED = "sign_in_rate_limited", "Sign-in rate limit hit"
        LOCKOUT = "lockout", "Account locked out after failed sign-ins"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    route = models.CharField(max_length=200, blank=True)
    address_hash = models.CharField(max_length=16, blank=True, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=100, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.route}"


class BrandVersion(models.Model):
    """One saved version of the council's brand, set by an administrator in the hub (issue 25,
    ``core.brand``). The newest row is the brand every page shows; older rows are its history.
    Without any row, the environment's values apply (``config.settings``, ``core.branding``).

    The logo is kept here (checked, re-encoded PNG or JPEG, at most ``brand.LOGO_MAX_BYTES``) so
    every web server serves the same one without shared media storage."""

    council_name = models.CharField(max_length=120)
    brand_colour = models.CharField(max_length=7, blank=True)
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True)
    # The logo this version shows when it kept an earlier version's (its id), so history shows
    # which logo each version had without copying its bytes.
    logo_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    footer_links = models.JSONField(default=list, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_address = models.CharField(max_length=300, blank=True)
    site_banner = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who saved it, as they were named then (outlives the account, like AuditEvent.actor_label).
    changed_by_label = models.CharField(max_length=200)
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"brand version {self.pk}"
