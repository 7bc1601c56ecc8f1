"""The admin for the SANDBOX council systems (``integrations.systems``): mark one down to see a
process step fail and be retried; read what each was sent; the council tax sandbox's single
person discounts. Real connectors are managed in the hub."""

from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin

from .models import SandboxDiscount, SandboxSystem, SandboxSystemCall


@admin.register(SandboxSystem)
class SandboxSystemAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "sandbox_system"
    list_display = ("system", "is_down")


@admin.register(SandboxSystemCall)
class SandboxSystemCallAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "sandbox_system_call"
    list_display = ("at", "system", "operation", "reference", "receipt")
    list_filter = ("system", "operation")
    readonly_fields = ("system", "operation", "reference", "payload", "receipt", "at")


@admin.register(SandboxDiscount)
class SandboxDiscountAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "sandbox_discount"
    list_display = ("account_ref", "uprn", "awarded_on", "ended_on")
