from django.contrib import admin

from .models import Household, Resident, ResidentNeed


class NeedInline(admin.TabularInline):
    model = ResidentNeed
    extra = 0
    raw_id_fields = ["consent_recorded_by"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "preferred_language"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["household", "user"]
    inlines = [NeedInline]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    raw_id_fields = ["property"]
    list_display = ["id", "property", "moved_in", "moved_out"]
