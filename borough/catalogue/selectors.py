"""Reading the catalogue."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from .models import Category, Service


def services_online() -> QuerySet[Service]:
    return Service.objects.filter(is_online=True).select_related("category", "team")


def service_get(slug: str) -> Service | None:
    return services_online().filter(slug=slug).first()


def categories_with_services() -> QuerySet[Category]:
    return (
        Category.objects.annotate(service_count=Count("services"))
        .filter(service_count__gt=0)
        .order_by("position", "name")  # Meta.ordering is not applied to grouped queries
        .prefetch_related(Prefetch("services", queryset=Service.objects.filter(is_online=True)))
    )
