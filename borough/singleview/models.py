"""The single view: the linkage engine's latest run, imported, and the data team's decisions.

Everything but ``MatchDecision`` is a copy of one engine run (``LinkageImport``), replaced as a
whole by the next import. Decisions are the data team's own work: they outlive imports and go
back to the engine in the decisions CSV.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The source system that is Borough's own residents: its source ids are ``Resident`` ids.
BOROUGH_RESIDENTS_SOURCE = "borough_residents"


class LinkageImport(models.Model):
    """One import of an engine run into the single view. The newest is what the pages show."""

    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=254, blank=True)
    database = models.CharField(max_length=500)
    run_id = models.PositiveIntegerField()
    ran_at = models.DateTimeField(null=True, blank=True)
    people = models.PositiveIntegerField()
    records = models.PositiveIntegerField()
    households = models.PositiveIntegerField()
    review_pairs = models.PositiveIntegerField()
    #: The run's clustering threshold (a match probability) and its scored pairs counted by
    #: whole match weight, [[weight, pairs], ...]: the run report's histogram.
    threshold = models.FloatField(null=True, blank=True)
    weight_histogram = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.run_id} from {self.database}"


class LinkedPerson(models.Model):
    """A person as the engine found them across systems, by their stable person id."""

    person_id = models.CharField(max_length=32, unique=True)
    resident = models.ForeignKey(
        "people.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_people",
    )
    # From the golden record, for lists and search.
    first_name = models.TextField(blank=True)
    last_name = models.TextField(blank=True, db_index=True)
    dob = models.DateField(null=True, blank=True, db_index=True)
    postcode = models.TextField(blank=True)
    # Every name, date of birth and postcode any system holds, lower-case and space-separated,
    # so a search finds a person by a nickname or an old postcode too.
    names = models.TextField(blank=True)
    dobs = models.TextField(blank=True)
    postcodes = models.TextField(blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "person_id"]

    def __str__(self) -> str:
        return self.person_id


class SourceRecord(models.Model):
    """One record of one source system, as loaded, and the person it was linked to."""

    person = models.ForeignKey(LinkedPerson, on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=100, db_index=True)
    source_id = models.CharField(max_length=200)
    first_name = models.TextField(blank=True)
    middle_names = models.TextField(blank=True)
    last_name = models.TextField(blank=True)
    full_name = models.TextField(blank=True)
    dob = models.DateField(null=True, blank=True)
    sex = models.TextField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.TextField(blank=True)
    uprn = models.TextField(blank=True)
    phone = models.TextField(blank=True)
    email = models.TextField(blank=True)
    ni_number = models.TextField(blank=True)
    last_seen = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["source", "source_id"]

    def __str__(self) -> str:
        return self.record_id


class GoldenField(models.Model):
    """One field of a person's golden record: the value chosen, where it came from and why."""

    person = models.ForeignKey(LinkedPerson, on_delete=models.CASCADE, related_name="golden")
    field = models.CharField(max_length=32)
    value = models.TextField()
    source = models.CharField(max_length=100)
    record_id = models.CharField(max_length=200)
    rule = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "field"], name="golden_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.field}"


class LinkedHousehold(models.Model):
    """People living at one address, as the engine grouped them."""

    household_id = models.CharField(max_length=200, unique=True)
    uprn = models.CharField(max_length=20, blank=True, db_index=True)
    address = models.TextField(blank=True)
    postcode = models.TextField(blank=True)
    matched_by = models.CharField(max_length=20, blank=True)
    property = models.ForeignKey(
        "places.Property",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_households",
    )
    people: models.ManyToManyField[LinkedPerson, HouseholdMember] = models.ManyToManyField(
        LinkedPerson, through="HouseholdMember"
    )

    class Meta:
        ordering = ["household_id"]

    def __str__(self) -> str:
        return self.household_id


class HouseholdMember(models.Model):
    household = models.ForeignKey(LinkedHousehold, on_delete=models.CASCADE)
    person = models.ForeignKey(LinkedPerson, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.person_id}"


class PersonEvent(models.Model):
    """A person id created, merged into another, split off another or retired, by run."""

    run_id = models.PositiveIntegerField()
    event = models.CharField(max_length=16)
    person_id = models.CharField(max_length=32, db_index=True)
    other_person_id = models.CharField(max_length=32, blank=True, db_index=True)
    records = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "pk"]

    def __str__(self) -> str:
        return f"run {self.run_id}: {self.event} {self.person_id}"


class ReviewPair(models.Model):
    """Two records the model is unsure about (between the two thresholds), waiting for review."""

    unique_id_l = models.CharField(max_length=200)
    unique_id_r = models.CharField(max_length=200)
    match_probability = models.FloatField(db_index=True)
    match_weight = models.FloatField(null=True, blank=True)
    person_id_l = models.CharField(max_length=32)
    person_id_r = models.CharField(max_length=32)
    evidence = models.JSONField(default=list)

    class Meta:
        ordering = ["-match_probability", "unique_id_l", "unique_id_r"]
        constraints = [
            models.UniqueConstraint(
                fields=["unique_id_l", "unique_id_r"], name="review_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unique_id_l} and {self.unique_id_r}"


class MatchDecision(models.Model):
    """An officer's answer for a pair: the same person or not. Kept across imports."""

    class Decision(models.TextChoices):
        MATCH = "match", "Same person"
        NON_MATCH = "non_match", "Different people"

    unique_id_l = models.CharField(max_length=200)
    unique_id_r = models.CharField(max_length=200)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_email = models.CharField(max_length=254)
    decided_at = models.DateTimeField(auto_now_add=True)
    match_probability = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unique_id_l", "unique_id_r"], name="match_decision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unique_id_l} and {self.unique_id_r}: {self.decision}"


class DqDuplicate(models.Model):
    """One person held more than once inside one source system."""

    source = models.CharField(max_length=100, db_index=True)
    person_id = models.CharField(max_length=32)
    records = models.PositiveIntegerField()
    record_ids = models.TextField()

    class Meta:
        ordering = ["source", "person_id"]

    def __str__(self) -> str:
        return f"{self.source} {self.person_id}"


class DqConflict(models.Model):
    """Different values of one field for one person across systems."""

    person_id = models.CharField(max_length=32)
    field = models.CharField(max_length=32, db_index=True)
    values = models.JSONField(default=list)
    sources = models.JSONField(default=list)

    class Meta:
        ordering = ["field", "person_id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.field}"


class SourceCorrection(models.Model):
    """A correction of one field of one source system's record (rectification, Article 16),
    made by the council's information governance team. Unlike the rest of the single view it is
    the council's own record and outlives imports: every import applies it again to the record
    and the person's golden record, until the source system itself holds the corrected value
    (``made_at_source_on``); till then it is listed for the source system's owner to correct."""

    source = models.CharField(max_length=100)
    source_id = models.CharField(max_length=200)
    field = models.CharField(max_length=32)
    value = models.TextField()
    was = models.TextField(blank=True)
    reference = models.CharField(max_length=40, help_text="The rectification request")
    corrected_at = models.DateTimeField()
    corrected_by = models.CharField(max_length=200)
    reapplied_in_run = models.PositiveIntegerField(null=True, blank=True)
    made_at_source_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "field"], name="source_correction_one_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} {self.field}"
