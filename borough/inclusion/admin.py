"""The council sets the eligibility rules, partners and stock here; loans and nominations
hold residents' data, so their admin pages are audited and read-only where the hub acts."""

from django import forms
from django.contrib import admin

from borough.core.admin_audit import AuditedAdmin

from .models import Device, DeviceWipe, EligibilityRule, Loan, Nomination, Partner, SkillsSession


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ("label", "points", "required", "active", "order")
    list_editable = ("points", "required", "active", "order")
    prepopulated_fields = {"code": ("label",)}


class PartnerForm(forms.ModelForm):
    """A partner linked to an organisation account takes its name from it: the organisation
    is not typed twice."""

    class Meta:
        model = Partner
        fields = ("organisation", "name", "kind", "members")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "Leave empty to use the organisation account's name"

    def clean(self):
        super().clean()
        data = self.cleaned_data
        organisation = data.get("organisation")
        if organisation is not None:
            data["name"] = organisation.name
        elif not data.get("name"):
            self.add_error("name", "Enter the partner's name, or choose its organisation account")
        return data


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ("name", "kind", "organisation")
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("members",)


class WipeInline(admin.TabularInline):
    model = DeviceWipe
    extra = 0
    can_delete = False
    readonly_fields = ("wiped_by", "wiped_at", "method", "notes")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # recorded in the hub, where the wipe rule is kept


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "kind", "model_name", "condition", "status")
    list_filter = ("kind", "status", "condition")
    search_fields = ("serial_number", "model_name")
    inlines = [WipeInline]

    def get_readonly_fields(self, request, obj=None):
        # Where a device is changes only through the hub's actions (loans, returns, wipes).
        return ("status",) if obj is not None else ()


@admin.register(Nomination)
class NominationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("pk", "status", "priority", "partner", "created_at")
    list_filter = ("status", "partner")
    readonly_fields = ("resident", "nominated_by", "consent_given", "consent_recorded_at")


@admin.register(Loan)
class LoanAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("pk", "device", "status", "due_back")
    list_filter = ("status",)
    readonly_fields = ("nomination", "device", "resident", "status", "accepted_by")


@admin.register(SkillsSession)
class SkillsSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "venue", "starts_at", "capacity")
