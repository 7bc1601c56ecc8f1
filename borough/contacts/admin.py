from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin

from .models import Contact, FormSession


@admin.register(Contact)
class ContactAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "contact"
    list_display = ["started_at", "channel", "direction", "outcome", "service"]
    list_filter = ["channel", "direction", "outcome"]
    raw_id_fields = ["resident", "case", "service", "handled_by"]


@admin.register(FormSession)
class FormSessionAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "form_session"
    list_display = ["started_at", "service", "channel", "outcome", "completed_at"]
    list_filter = ["outcome", "channel"]
    raw_id_fields = ["case", "service"]
