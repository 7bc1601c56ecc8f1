from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.decorators import method_decorator

from .models import Membership, Organisation, OrganisationMember, Team, User
from .reauth import fresh_sign_in_required


class FreshSignInToChange(admin.ModelAdmin):
    """People's roles and teams change only after a fresh sign-in (borough.accounts.reauth)."""

    @method_decorator(fresh_sign_in_required)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @method_decorator(fresh_sign_in_required)
    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, extra_context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(FreshSignInToChange, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "kind", "is_active", "is_superuser"]
    list_filter = ["kind", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "kind")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "kind", "password1", "password2")}),
    )

    @method_decorator(fresh_sign_in_required)
    def user_change_password(self, request, id, form_url=""):
        return super().user_change_password(request, id, form_url)


@admin.register(Team)
class TeamAdmin(FreshSignInToChange):
    list_display = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}


class OrganisationMemberInline(admin.TabularInline):
    model = OrganisationMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(FreshSignInToChange):
    """Organisation accounts (issue 26); their members manage them in MyAccount."""

    list_display = ["name", "kind", "email", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "email", "members__user__email"]
    inlines = [OrganisationMemberInline]
