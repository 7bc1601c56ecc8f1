"""The directory's records, after the Open Referral UK profile of HSDS 3.0 (ADR: directory).

Organisation, Service, Location, Schedule, CostOption and TaxonomyTerm follow the ORUK tables
and keep their field names where Borough has them; ids are UUIDs as the standard asks. What
residents and the API see is only what staff approved: a representative's words wait in a
``Proposal`` until the directory team decides (``services.proposal_decide``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxonomyTerm(models.Model):
    """A need a service meets ("Food", "Debt and money advice"), from the council's taxonomy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    #: Words a resident may use for this need, for the search and the assistant.
    keywords = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    #: The organisation's own account (issue 26): its members propose changes to its services.
    account = models.OneToOneField(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entry",
    )
    #: Resident accounts that may propose changes to this organisation's services (invited by
    #: the directory team before the organisation has an account).
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="directory_organisations"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=200)
    address_1 = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.address_1}, {self.postcode}"


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Open")
        INACTIVE = "inactive", _("Not running at the moment")
        DEFUNCT = "defunct", _("Closed")
        TEMPORARILY_CLOSED = "temporarily closed", _("Closed for now")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    description = models.TextField()
    url = models.URLField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Who can use it, in words (ORUK "eligibility_description").
    eligibility = models.CharField(max_length=500, blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="services")
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    assured_date = models.DateField(null=True, blank=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Schedule(models.Model):
    """When a service runs: an RFC 5545 weekly rule with opening times, as ORUK has it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    freq = models.CharField(max_length=10, default="WEEKLY")
    #: Comma-separated days: "MO,WE,FR".
    byday = models.CharField(max_length=40)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.amount_description


class Proposal(models.Model):
    """A representative's proposed new service or change, waiting for the directory team."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Not approved")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="proposals"
    )
    #: The service changed; empty for a proposed new service (set when it is published).
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The service as proposed, in the fields of ``services.EDITABLE`` (plain JSON).
    data = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.data.get('name', '')} ({self.get_status_display()})"
