from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin, AuditedInline

from .models import Household, Resident, ResidentNeed


class NeedInline(AuditedInline, admin.TabularInline):
    audit_object_type = "resident_need"
    model = ResidentNeed
    extra = 0
    raw_id_fields = ["consent_recorded_by"]


@admin.register(Resident)
class ResidentAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "resident"
    list_display = ["full_name", "email", "preferred_language"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["household", "user"]
    inlines = [NeedInline]

    def audit_resident_id(self, obj):
        return obj.pk


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "household"
    raw_id_fields = ["property"]
    list_display = ["id", "property", "moved_in", "moved_out"]
