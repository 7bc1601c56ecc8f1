"""Operators read security events here (borough.core.security_events); nobody edits them."""

from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "status", "method", "route", "address_hash", "user_id"]
    list_filter = ["kind", "status"]
    search_fields = ["address_hash", "route", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
