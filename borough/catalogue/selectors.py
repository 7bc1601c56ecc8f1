"""Reading the catalogue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from .models import Category, Service, Upload
from .search import SearchDocument, ServiceIndex


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


def category_get(slug: str) -> Category | None:
    """A category with its online services, in catalogue order."""
    return (
        Category.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(is_online=True).order_by("position", "name"),
            )
        )
        .first()
    )


def search_documents(services: Iterable[Service]) -> list[SearchDocument]:
    """What the word index knows about each service, in the active language."""
    return [
        SearchDocument(
            slug=s.slug,
            name=s.local_name,
            summary=s.local_summary,
            keywords=(*s.local_keywords, *({s.name} - {s.local_name})),
            category=s.category.local_name,
            lgsl=s.lgsl.label,
            description=s.description,
        )
        for s in services
    ]


def service_search(
    query: str, *, limit: int = 10, pages: tuple[SearchDocument, ...] = ()
) -> list[Service | SearchDocument]:
    """Online services (and any other ``pages`` the caller offers) for a resident's words,
    best first (see ``catalogue.search``)."""
    online = {s.slug: s for s in services_online().select_related("lgsl")}
    index = ServiceIndex(search_documents(online.values()) + list(pages))
    services: dict[str, Service | SearchDocument] = {**online}
    services.update({page.slug: page for page in pages})
    return [services[hit.slug] for hit in index.search(query, limit=limit)]


def uploads_of_cases(case_ids: Iterable[int]) -> list[Upload]:
    """The files the given cases keep (with their answers or added later), oldest first."""
    return list(Upload.objects.filter(case_id__in=list(case_ids)).order_by("attached_at", "pk"))
