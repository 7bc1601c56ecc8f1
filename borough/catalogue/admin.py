from django.contrib import admin

from .models import Category, LgslService, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category", "team", "sla_working_days", "is_online"]
    list_filter = ["category", "team", "is_online"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["lgsl"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]


@admin.register(LgslService)
class LgslServiceAdmin(admin.ModelAdmin):
    list_display = ["identifier", "label"]
    search_fields = ["label", "=identifier"]
