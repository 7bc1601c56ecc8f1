"""Resident-facing pages: the home page, topics and search to find a service, the language
switcher, the published performance page and the fixed pages (accessibility, cookies, privacy).

A service's form is in ``form_pages``, bin days in ``bin_days``, MyAccount in ``myaccount`` and
a request's own page in ``request_page``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from borough.cases.dashboard import case_counts_by_service
from borough.catalogue.models import Service
from borough.catalogue.search import SearchDocument
from borough.catalogue.selectors import categories_with_services, category_get
from borough.core.brand import brand_current, logo_get
from borough.core.branding import brand_css as brand_stylesheet
from borough.core.ratelimit import rate_limited
from borough.insights.dashboards import performance as performance_figures
from borough.insights.display import show_average, show_count, show_money, show_percent

from .finder import find
from .urgent import SAFETY_KINDS

TOP_TASKS = 8
TOP_TASKS_CACHE_SECONDS = 60 * 60


def top_tasks(services: list[Service], *, limit: int = TOP_TASKS) -> list[Service]:
    """The services residents use most (requests in the last 90 days), busiest first.

    Counted at most once an hour; services nobody has used yet follow in catalogue order.
    """
    counts = cache.get("portal:case-counts")
    if counts is None:
        counts = case_counts_by_service(days=90)
        cache.set("portal:case-counts", counts, TOP_TASKS_CACHE_SECONDS)
    ranked = sorted(services, key=lambda s: (-counts.get(s.pk, 0), s.position, s.name))
    return ranked[:limit]


def home(request):
    """Search, the most used services, and every topic with its busiest services."""
    categories = list(categories_with_services())
    services = [service for category in categories for service in category.services.all()]
    ranked = top_tasks(services, limit=len(services))
    rank = {service.pk: position for position, service in enumerate(ranked)}
    topics = [
        {
            "category": category,
            "popular": sorted(category.services.all(), key=lambda s: rank[s.pk])[:3],
            "count": len(category.services.all()),
        }
        for category in categories
    ]
    return render(request, "portal/home.html", {"top_tasks": ranked[:TOP_TASKS], "topics": topics})


def category(request, slug: str):
    """One topic and all of its services."""
    found = category_get(slug)
    if found is None:
        raise Http404("No such topic")
    return render(request, "portal/category.html", {"category": found})


def searchable_pages() -> tuple[SearchDocument, ...]:
    """Pages residents look for that are not request forms, in the active language."""
    return (
        SearchDocument(
            slug="page:bin-days",
            name=_("Check your bin collection days"),
            summary=_(
                "Find out which bins we collect on which day at your address, and add them "
                "to your calendar."
            ),
            keywords=(
                "bin day",
                "bin days",
                "collection day",
                "collection days",
                "when is my bin collected",
                "bin calendar",
                "recycling day",
                "which bin this week",
                "dzień odbioru śmieci",
                "kiedy odbiór śmieci",
                "harmonogram wywozu",
            ),
            category=_("Bins and recycling"),
            url="/bin-days/",
        ),
    )


@rate_limited("search", methods=("GET",))
def search(request):
    """Services and help pages for what the resident typed, in their own words, with the
    number to call first when the need is urgent (``finder``)."""
    query = request.GET.get("q", "").strip()[:200]
    found = find(query, pages=searchable_pages()) if query else None
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "results": found.results if found else [],
            "urgent": found.urgent if found else None,
            # Someone searching about abuse or a child at risk may need to leave fast.
            "exit_this_page": bool(found and found.urgent and found.urgent.kind in SAFETY_KINDS),
            "categories": categories_with_services(),
        },
    )


@require_http_methods(["GET"])
def language(request, code: str):
    """Switch the resident's language and go back to the page they were on.

    A plain link rather than Django's ``set_language`` form: the switcher is on every page, and
    a form would need a CSRF token and so a session cookie on pages that otherwise set none.
    Changing one's own display language is harmless if a third party links to it.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def static_page(request, template: str):
    return render(request, f"portal/pages/{template}.html")


def performance(request):
    """The council's headline KPIs, published as GOV.UK services publish theirs."""
    report = performance_figures()
    return render(
        request,
        "portal/performance.html",
        {
            "report": report,
            "months": [
                {
                    "month": row.month,
                    "transactions": show_count(row.figures.requests_raised),
                    "take_up": show_percent(row.figures.digital_take_up),
                    "completion": show_percent(row.figures.completion_rate),
                    "satisfaction": show_percent(row.figures.satisfaction),
                    "cost": show_money(row.figures.cost_per_transaction),
                    "registrations": show_count(row.figures.registrations),
                    "signed_in": show_average(row.figures.signed_in_a_day),
                }
                for row in report.months
            ],
            "headline": {
                "transactions": show_count(report.figures.requests_raised),
                "take_up": show_percent(report.figures.digital_take_up),
                "completion": show_percent(report.figures.completion_rate),
                "satisfaction": show_percent(report.figures.satisfaction),
                "cost": show_money(report.figures.cost_per_transaction),
                "registrations": show_count(report.figures.registrations),
                "signed_in": show_average(report.figures.signed_in_a_day),
            },
        },
    )


@cache_control(public=True, max_age=86_400)
def brand_css(request):
    """The council's brand colour on the header (``core.brand``; the colour was checked for
    contrast when it was set). A stylesheet, since the CSP allows no inline styles; its address
    carries the brand's version and colour, so a change is fetched at once."""
    colour = brand_current().brand_colour
    if not colour:
        raise Http404("No brand colour is set")
    return HttpResponse(brand_stylesheet(colour), content_type="text/css")


@cache_control(public=True, max_age=31_536_000, immutable=True)
def brand_logo(request, version: int):
    """A logo an administrator uploaded (``core.brand``): checked and re-encoded PNG or JPEG
    pixels, served as nothing but an image (no sniffing, no scripts, its own address per
    version)."""
    found = logo_get(version)
    if found is None:
        raise Http404("No such logo")
    data, content_type = found
    response = HttpResponse(data, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = 'inline; filename="logo"'
    return response
