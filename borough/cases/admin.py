from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin, AuditedInline

from .models import Case, CaseEvent


class EventInline(AuditedInline, admin.TabularInline):
    audit_object_type = "case_event"
    model = CaseEvent
    extra = 0
    raw_id_fields = ["actor"]


@admin.register(Case)
class CaseAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "case"
    list_display = ["reference", "service", "status", "priority", "team", "due_date", "created_at"]
    list_filter = ["status", "priority", "team", "channel"]
    search_fields = ["=reference"]
    raw_id_fields = ["resident", "property", "street", "assignee", "assisted_by", "service"]
    inlines = [EventInline]
