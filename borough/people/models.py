"""Residents and the households they live in, with needs recorded only with consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from borough.core.models import TimeStampedModel


class Household(TimeStampedModel):
    """The people who live together at one property."""

    property = models.ForeignKey(
        "places.Property", on_delete=models.PROTECT, related_name="households"
    )
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["property", "moved_out"])]

    def __str__(self) -> str:
        return f"Household at {self.property}"


class Resident(TimeStampedModel):
    """A person the council serves. Holds personal data: every staff view is audited."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +447700900982")
    # Contact preference set in MyAccount: email me updates on my requests.
    email_updates = models.BooleanField(default=True)
    # How they want to hear from us (MyAccount; a request may say otherwise): "" is "by email
    # if we have an address, else by text, else by letter" (``cases.selectors.case_contact_route``).
    contact_by = models.CharField(
        max_length=8,
        blank=True,
        choices=[("email", "Email"), ("sms", "Text message"), ("letter", "Letter")],
    )
    preferred_language = models.CharField(
        max_length=12, default="en", help_text="ISO 639-1 code, e.g. en, pl, pa"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Need(models.TextChoices):
    """Needs and vulnerability drivers (the FCA's four drivers, plus practical needs)."""

    HEALTH = "health", "Health condition or disability"
    LIFE_EVENT = "life_event", "Recent life event (bereavement, job loss, relationship breakdown)"
    RESILIENCE = "resilience", "Low financial or emotional resilience"
    CAPABILITY = "capability", "Low capability (literacy, digital skills, language)"
    INTERPRETER = "interpreter", "Needs an interpreter"
    LARGE_PRINT = "large_print", "Needs large print or easy read"
    HEARING = "hearing", "Deaf or hard of hearing"
    ASSISTED_COLLECTION = "assisted_collection", "Needs an assisted bin collection"
    MOBILITY = "mobility", "Limited mobility"


class ConsentBasis(models.TextChoices):
    """The lawful reason a need may be recorded (UK GDPR, special category data)."""

    EXPLICIT_CONSENT = "explicit_consent", "The resident gave explicit consent"
    VITAL_INTERESTS = "vital_interests", "To protect the resident's vital interests"
    SAFEGUARDING = "safeguarding", "Safeguarding of a person at risk"


class ResidentNeed(TimeStampedModel):
    """A need or vulnerability flag. It cannot exist without the consent that allows it."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=32, choices=Need.choices)
    note = models.CharField(max_length=300, blank=True)
    consent_basis = models.CharField(max_length=32, choices=ConsentBasis.choices)
    consent_recorded_at = models.DateTimeField()
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(consent_basis=""),
                name="resident_need_requires_consent",
            ),
            models.UniqueConstraint(
                fields=["resident", "need"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="resident_need_unique_active",
            ),
        ]

    def __str__(self) -> str:
        return self.get_need_display()


class ProcessingActivity(models.TextChoices):
    """Processing a resident may object to (UK GDPR Article 21), each a row of the council's
    information asset register. An upheld objection stops it for that resident."""

    SINGLE_VIEW = "single_view", "Linking their records across council systems (the single view)"
    ASSISTANT_LLM = (
        "assistant_llm",
        "Sending their words to the council's language model (assistant and drafts)",
    )


class ProcessingObjection(models.Model):
    """An upheld objection: Borough no longer does ``activity`` with this resident's data.
    Asked by every code path that does it (``people.objections``)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="objections")
    activity = models.CharField(max_length=32, choices=ProcessingActivity.choices)
    upheld_at = models.DateTimeField()
    upheld_by = models.CharField(max_length=200)
    reference = models.CharField(max_length=40, blank=True, help_text="The request that upheld it")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "activity"], name="processing_objection_one_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"resident {self.resident_id} objects to {self.activity}"
