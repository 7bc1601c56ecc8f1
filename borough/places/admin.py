from django.contrib import admin

from .models import Property, Street, Ward


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
