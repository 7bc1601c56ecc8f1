"""The admin for what a council keeps up to date itself: the Care Act charging figures each
April, and the staff minutes each automated step of a process saves. Process definitions and
decision tables change only by new versions (``load_processes``; the hub's decision pages)."""

from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin

from .models import (
    BulkyBooking,
    BulkySlot,
    CareChargingRates,
    CrewRecord,
    CrewRound,
    LandOwner,
    ParkingZone,
    ProcessDefinition,
)


@admin.register(CareChargingRates)
class CareChargingRatesAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "care_charging_rates"
    list_display = ("effective_from", "upper_capital_limit", "lower_capital_limit", "source")


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "process_definition"
    list_display = ("name", "version", "is_current", "created_at")
    list_filter = ("is_current",)
    fields = ("name", "description", "minutes_saved", "service_slugs", "key", "version", "bpmn")
    readonly_fields = ("key", "version", "bpmn")

    def has_add_permission(self, request):
        return False


@admin.register(CrewRound)
class CrewRoundAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "crew_round"
    list_display = ("round_ref", "day", "street", "stream", "started_at", "finished_at")
    list_filter = ("day", "stream")
    raw_id_fields = ("street",)


@admin.register(CrewRecord)
class CrewRecordAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "crew_record"
    list_display = ("round", "uprn", "outcome", "at")
    list_filter = ("outcome",)
    raw_id_fields = ("round",)


@admin.register(BulkySlot)
class BulkySlotAdmin(AuditedAdmin, admin.ModelAdmin):
    """Waste staff set the bulky waste collection days and how many bookings each takes
    (``booked`` is moved only by bookings, so two residents cannot both have the last place)."""

    audit_object_type = "bulky_slot"
    list_display = ("date", "ward", "capacity", "booked")
    list_filter = ("ward", "date")
    readonly_fields = ("booked",)
    date_hierarchy = "date"


@admin.register(BulkyBooking)
class BulkyBookingAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "bulky_booking"
    list_display = ("slot", "case", "state", "refunded_pence", "created_at")
    list_filter = ("state",)
    readonly_fields = ("slot", "form_token", "case", "state", "held_until", "refunded_pence")

    def has_add_permission(self, request):
        return False


@admin.register(LandOwner)
class LandOwnerAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "land_owner"
    list_display = ("street", "kind", "owner_name")
    list_filter = ("kind",)


@admin.register(ParkingZone)
class ParkingZoneAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "parking_zone"
    list_display = ("code", "name")
    filter_horizontal = ("streets",)
