from django.contrib import admin

from .models import Case, CaseEvent


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    raw_id_fields = ["actor"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "service", "status", "priority", "team", "due_date", "created_at"]
    list_filter = ["status", "priority", "team", "channel"]
    search_fields = ["=reference"]
    raw_id_fields = ["resident", "property", "street", "assignee", "assisted_by", "service"]
    inlines = [EventInline]
