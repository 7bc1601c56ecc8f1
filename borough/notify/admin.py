from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created", "template", "status", "provider")
    list_filter = ("template", "status", "provider")
    readonly_fields = [f.name for f in Message._meta.fields]
