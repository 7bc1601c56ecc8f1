from django.contrib import admin

from .models import Property, Street, Ward, WardCouncillor


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["usrn", "name", "locality", "town"]
    search_fields = ["name", "=usrn"]


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    list_display = ["uprn", "single_line", "ward", "is_current"]
    list_filter = ["is_current", "ward"]
    search_fields = ["=uprn", "postcode", "search_text"]
    raw_id_fields = ["usrn"]
    list_select_related = ["usrn", "ward"]


@admin.register(WardCouncillor)
class WardCouncillorAdmin(admin.ModelAdmin):
    """Which councillors are elected for which ward (issue 26): they see its figures."""

    list_display = ["ward", "user"]
    list_filter = ["ward"]
    raw_id_fields = ["user"]
    list_select_related = ["ward", "user"]
