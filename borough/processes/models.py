"""Process definitions (BPMN) and decision tables (DMN), each versioned; the instances that run
them, one per case; and the steps each instance took (ADR 0040).

An instance keeps the engine's whole serialised state (``state``), which holds the parsed BPMN
and DMN it started with: a new version of either applies to new instances, and a running one
finishes on its own. ``definition`` and ``decisions`` say which versions those were.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from borough.catalogue.fees import pounds


class ProcessDefinition(models.Model):
    """One version of a process: its BPMN document, as loaded, and the minutes of staff time
    each automated step saves (set by the council)."""

    key = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    process_id = models.CharField(max_length=100, help_text="The BPMN process element's id")
    bpmn = models.TextField()
    checksum = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    minutes_saved = models.JSONField(default=dict, blank=True)
    service_slugs = models.JSONField(
        default=list, blank=True, help_text="Services whose new cases start this process"
    )
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="processdefinition_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class DecisionTable(models.Model):
    """One version of a DMN decision. Administrators change a table by saving a new version;
    instances record the version each decision used."""

    key = models.CharField(max_length=100, help_text="The DMN decision element's id")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    dmn = models.TextField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="decisiontable_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class InstanceStatus(models.TextChoices):
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting"
    COMPLETED = "completed", "Finished"
    FAILED = "failed", "Failed"


class ProcessInstance(models.Model):
    """One run of a process for one case."""

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="instances"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="process_instances"
    )
    status = models.CharField(
        max_length=12, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING
    )
    # The engine's serialised workflow, as Spiff writes it. Text, not JSON: PostgreSQL's jsonb
    # reorders keys, and Spiff restores tasks in the order it wrote them.
    state = models.TextField(blank=True)
    decisions = models.JSONField(default=dict, blank=True)  # decision key -> version used
    error = models.TextField(blank=True)
    error_step = models.CharField(max_length=100, blank=True)
    next_timer_at = models.DateTimeField(null=True, blank=True)
    waiting_for = models.JSONField(default=list, blank=True)  # message names it waits on
    touched_by_person = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_timer_at"], name="process_timer_due"),
            models.Index(fields=["definition", "status"], name="process_def_status"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} for case {self.case_id}"


class StepState(models.TextChoices):
    WAITING = "waiting", "Waiting"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ProcessStep(models.Model):
    """A step an instance reached: waiting on it (a person, a timer, a message), done or failed.
    The hub's counts on each step of the diagram are counts of these."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="steps")
    task_id = models.CharField(max_length=40)  # the engine's task id
    step_id = models.CharField(max_length=100)  # the BPMN element's id
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)  # the BPMN element type
    state = models.CharField(max_length=8, choices=StepState.choices)
    team = models.CharField(max_length=64, blank=True)  # for user tasks: the lane's team slug
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes_saved = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "task_id"], name="processstep_once")
        ]
        indexes = [models.Index(fields=["state", "team"], name="processstep_queue")]

    def __str__(self) -> str:
        return f"{self.step_id} {self.state}"


class CrewRound(models.Model):
    """One collection round on one day, from the crews' in-cab system (``import_crew_rounds``):
    which street and stream it covers, when it started, and when it finished (empty while the
    crew is still out)."""

    round_ref = models.CharField(max_length=40)
    day = models.DateField()
    street = models.ForeignKey("places.Street", on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=12)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "round_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["round_ref", "day", "street", "stream"], name="crewround_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_ref} {self.day}"


class CrewOutcome(models.TextChoices):
    COLLECTED = "collected", "Collected"
    NOT_PRESENTED = "not_presented", "Bin not put out"
    ROAD_BLOCKED = "road_blocked", "Road blocked"
    CONTAMINATED = "contaminated", "Wrong things in the bin"
    TOO_HEAVY = "too_heavy", "Bin too heavy to lift safely"


class CrewRecord(models.Model):
    """What the crew recorded at one property on a round (in-cab data)."""

    round = models.ForeignKey(CrewRound, on_delete=models.CASCADE, related_name="records")
    uprn = models.BigIntegerField()
    outcome = models.CharField(max_length=16, choices=CrewOutcome.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["round", "uprn"], name="crewrecord_lookup")]

    def __str__(self) -> str:
        return f"{self.uprn} {self.outcome}"


class CareChargingRates(models.Model):
    """The Care Act 2014 charging figures in force from a date (England): data, not code. The
    financial assessment uses the row in force on the day it runs. Amounts in pence."""

    effective_from = models.DateField(unique=True)
    upper_capital_limit = models.PositiveIntegerField()
    lower_capital_limit = models.PositiveIntegerField()
    tariff_step = models.PositiveIntegerField(help_text="Capital per £1 a week of tariff income")
    tariff_per_step = models.PositiveIntegerField(default=100)
    personal_expenses_allowance = models.PositiveIntegerField(help_text="Care home residents")
    mig_pension_age_single = models.PositiveIntegerField(help_text="Minimum income guarantee")
    mig_working_age_single = models.PositiveIntegerField(help_text="Minimum income guarantee, 25+")
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"Charging figures from {self.effective_from}"


class FinancialAssessment(models.Model):
    """A resident's answers, the calculation the process made (with the figures and decision
    versions it used) and the letter sent."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="financial_assessment"
    )
    answers = models.JSONField()
    rates = models.ForeignKey(
        CareChargingRates, null=True, on_delete=models.PROTECT, related_name="+"
    )
    calculation = models.JSONField(default=dict, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter = models.TextField(blank=True)
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Financial assessment for case {self.case_id}"


class BulkySlot(models.Model):
    """A day the bulky waste crew collects in an area (a ward of the gazetteer), with how many
    bookings it takes. Waste staff set these in the admin (or ``bulky_slots``); ``booked``
    counts held and booked places, moved only by ``library.bulky`` with a guarded update, so
    two residents taking the last place cannot both have it."""

    date = models.DateField()
    ward = models.ForeignKey("places.Ward", on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date", "ward__name"]
        constraints = [
            models.UniqueConstraint(fields=["date", "ward"], name="bulkyslot_once"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="bulkyslot_not_over"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.ward_id} ({self.booked}/{self.capacity})"

    @property
    def room(self) -> int:
        return max(self.capacity - self.booked, 0)


class BookingState(models.TextChoices):
    HELD = "held", "Held while the resident pays"
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    RELEASED = "released", "Released (not paid in time)"
    COLLECTED = "collected", "Collected"


class BulkyBooking(models.Model):
    """A place on a bulky waste slot: held for a resident's form while they pay (until
    ``held_until``), then the case's booking once paid."""

    slot = models.ForeignKey(BulkySlot, on_delete=models.PROTECT, related_name="bookings")
    form_token = models.CharField(max_length=64, db_index=True)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="bulky"
    )
    state = models.CharField(max_length=10, choices=BookingState.choices)
    held_until = models.DateTimeField()
    refunded_pence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "held_until"], name="bulkybooking_holds")]

    def __str__(self) -> str:
        return f"booking {self.pk} on {self.slot_id} ({self.state})"

    @property
    def refund_display(self) -> str:
        return pounds(self.refunded_pence)


class LandOwnerKind(models.TextChoices):
    """Who is responsible for clearing waste dumped on a piece of land (fly-tipping routing)."""

    COUNCIL_HIGHWAY = "council_highway", "Council: highway"
    COUNCIL_PARK = "council_park", "Council: park or open space"
    COUNCIL_HOUSING = "council_housing", "Council: housing estate"
    PRIVATE = "private", "Private land"
    OTHER_PUBLIC = "other_public", "Another public body (such as Network Rail)"


class LandOwner(models.Model):
    """Who owns the land along a street (the council's land ownership dataset, by USRN): the
    fly-tipping process routes a report by it. A street with no row is unknown; an officer
    says who owns it. ``kind`` is free text checked against the choices when imported, so a
    new kind reaches the decision table, which must then have a rule for it."""

    street = models.OneToOneField(
        "places.Street", on_delete=models.CASCADE, related_name="land_owner"
    )
    kind = models.CharField(max_length=32, choices=LandOwnerKind.choices)
    owner_name = models.CharField(max_length=200, blank=True, help_text="e.g. Network Rail")
    contact = models.CharField(max_length=300, blank=True, help_text="How the owner is told")

    def __str__(self) -> str:
        return f"{self.street_id}: {self.kind}"


class ParkingZone(models.Model):
    """A controlled parking zone: which streets (USRNs) are in it. Residents of those streets
    may have a resident permit for the zone."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    streets = models.ManyToManyField("places.Street", related_name="parking_zones", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"Zone {self.code} ({self.name})"


class ParkingPermit(models.Model):
    """A virtual resident parking permit: nothing is displayed in the car; enforcement
    officers look the registration number (VRM) up."""

    number = models.CharField(max_length=20, unique=True)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="parking_permit"
    )
    vrm = models.CharField(max_length=10, db_index=True)
    zone = models.ForeignKey(ParkingZone, on_delete=models.PROTECT, related_name="permits")
    valid_from = models.DateField()
    valid_to = models.DateField()
    co2_emissions = models.PositiveIntegerField(null=True, blank=True)
    band = models.CharField(max_length=32)
    price_pence = models.PositiveIntegerField()
    make = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-valid_to"]

    def __str__(self) -> str:
        return f"Permit {self.number}"
