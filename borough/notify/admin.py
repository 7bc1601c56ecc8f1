from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_object_type = "message"
    list_display = ("created", "template", "status", "provider")
    list_filter = ("template", "status", "provider")
    readonly_fields = [f.name for f in Message._meta.fields]
