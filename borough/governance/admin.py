from django.contrib import admin

from .models import RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The retention schedule: how long each kind of record is kept (ADR 0031)."""

    list_display = ("kind", "service", "keep_days", "action")
    list_filter = ("kind", "action")


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """The log of retention runs: counts only."""

    list_display = ("started_at", "dry_run", "actor_label")
    readonly_fields = [f.name for f in RetentionRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
