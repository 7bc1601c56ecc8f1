from django.contrib import admin

from .models import Contact, FormSession


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["started_at", "channel", "direction", "outcome", "service"]
    list_filter = ["channel", "direction", "outcome"]
    raw_id_fields = ["resident", "case", "service", "handled_by"]


@admin.register(FormSession)
class FormSessionAdmin(admin.ModelAdmin):
    list_display = ["started_at", "service", "channel", "outcome", "completed_at"]
    list_filter = ["outcome", "channel"]
    raw_id_fields = ["case", "service"]
