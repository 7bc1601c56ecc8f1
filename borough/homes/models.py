"""Sensors in council homes (issue 27, ADR homes): the device registry, readings and their hourly
roll-ups, the council's rules, the alerts they raise, maintenance tasks for the devices, and
each home's choice to share readings.

A device is known by an opaque id (what its MQTT topic carries); it belongs to a property by
UPRN, never to a person. Readings hold no personal data either: who lives at the UPRN is joined
only on the hub's and MyAccount's pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DeviceKind(models.TextChoices):
    ENVIRONMENT = "environment", "Temperature, humidity and CO2 sensor"
    BOILER = "boiler", "Boiler monitor"


class Device(models.Model):
    """One sensor in one home."""

    device_id = models.CharField(max_length=40, unique=True, help_text="As in its MQTT topic")
    kind = models.CharField(max_length=16, choices=DeviceKind.choices)
    property = models.ForeignKey(
        "places.Property", on_delete=models.PROTECT, related_name="sensors", db_column="uprn"
    )
    room = models.CharField(max_length=40, blank=True)
    installed_on = models.DateField()
    battery_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["property_id", "device_id"]
        indexes = [models.Index(fields=["removed_on", "last_seen_at"])]

    def __str__(self) -> str:
        return self.device_id


class BoilerState(models.TextChoices):
    ON = "on", "Heating"
    OFF = "off", "Off"
    FAULT = "fault", "Fault"


class Reading(models.Model):
    """One message from one device. Kept for the retention schedule's time, then removed; the
    hourly roll-ups carry the charts."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField()
    temperature = models.FloatField(null=True)
    humidity = models.FloatField(null=True)
    co2 = models.PositiveIntegerField(null=True)
    boiler = models.CharField(max_length=8, choices=BoilerState.choices, blank=True)
    fault_code = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.device_id} at {self.at:%Y-%m-%d %H:%M}"


class HourlyReading(models.Model):
    """One device's readings in one hour, averaged: what charts and rules read."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField()
    temperature = models.FloatField(null=True)
    humidity = models.FloatField(null=True)
    co2 = models.FloatField(null=True)
    faults = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "hour"], name="homes_hour_one_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} hour {self.hour:%Y-%m-%d %H:00}"


class RuleKind(models.TextChoices):
    MOULD = "mould", "Mould risk: damp and cold for days"
    NO_HEAT = "no_heat", "Boiler fault or no heat in the heating season"
    SILENT = "silent", "Sensor gone silent"


class Rule(models.Model):
    """A rule the council tunes in the hub. Thresholds unused by a kind are left empty."""

    kind = models.CharField(max_length=16, choices=RuleKind.choices, unique=True)
    enabled = models.BooleanField(default=True)
    humidity_at_least = models.FloatField(null=True, blank=True)
    temperature_below = models.FloatField(null=True, blank=True)
    hours = models.PositiveIntegerField(help_text="How long the condition must last")
    share_of_hours = models.PositiveSmallIntegerField(
        default=75, help_text="Per cent of those hours the condition must hold"
    )
    heating_months = models.CharField(
        max_length=40, blank=True, help_text="Months of the heating season, e.g. 10,11,12,1,2,3,4"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AwaabHazard(models.TextChoices):
    SIGNIFICANT = "significant", "Significant hazard (damp and mould)"
    EMERGENCY = "emergency", "Emergency hazard"


class TenantAnswer(models.TextChoices):
    ALREADY_REPORTED = "already_reported", "Already reported"
    FINE = "fine", "The tenant says they are fine"


class Alert(models.Model):
    """A rule that fired for a home, and the one open repair case it opened or added to."""

    property = models.ForeignKey(
        "places.Property", on_delete=models.PROTECT, related_name="+", db_column="uprn"
    )
    kind = models.CharField(max_length=16, choices=RuleKind.choices)
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    last_fired_at = models.DateTimeField()
    times_fired = models.PositiveIntegerField(default=1)
    vulnerable = models.BooleanField(default=False)
    hazard = models.CharField(max_length=12, choices=AwaabHazard.choices, blank=True)
    investigate_by = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    tenant_answer = models.CharField(max_length=20, choices=TenantAnswer.choices, blank=True)
    tenant_answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-last_fired_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "kind"],
                condition=models.Q(closed_at__isnull=True),
                name="homes_alert_one_open_per_home_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.property_id}"


class MaintenanceTask(models.Model):
    """Work on a device (a sensor gone silent): not a repair to the home."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="tasks")
    reason = models.CharField(max_length=200)
    raised_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(done_at__isnull=True),
                name="homes_task_one_open_per_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.reason}"


class Sharing(models.Model):
    """A home's choice to share its sensors' readings, with who recorded it and when. The
    latest row per property is the choice in force; no row means the tenancy's agreement
    (sharing on) stands, as the privacy notice says."""

    property = models.ForeignKey(
        "places.Property", on_delete=models.CASCADE, related_name="+", db_column="uprn"
    )
    sharing = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["property", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.property_id}: {'on' if self.sharing else 'off'}"


class IngestCount(models.Model):
    """Messages the ingest took or refused, by reason: what the devices page shows."""

    reason = models.CharField(max_length=24, unique=True)
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.reason}: {self.count}"
