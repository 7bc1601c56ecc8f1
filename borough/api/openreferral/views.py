"""The community directory's Open Referral UK API: public, read-only, rate limited like
Open311's public reads. Only published (approved) services appear; the documents are built
by ``borough.directory.oruk`` and validated in the tests against the standard's schema.
"""

from __future__ import annotations

from functools import wraps

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from borough.core.ratelimit import rate_limit_hit
from borough.directory import oruk
from borough.directory.selectors import published_services, service_get, terms

PROFILE = "https://github.com/openreferral/uk-profile"


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"code": status, "message": message}, status=status)


def openreferral_view(view):
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        wait = rate_limit_hit(request, "openreferral-read")
        if wait:
            response = _error(429, f"Too many requests: try again in {wait} seconds")
            response["Retry-After"] = str(wait)
            return response
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _paging(request) -> tuple[int, int] | JsonResponse:
    try:
        number = int(request.GET.get("page", "1"))
        per_page = int(request.GET.get("per_page", str(oruk.PER_PAGE)))
    except ValueError:
        return _error(400, "page and per_page must be whole numbers")
    if number < 1 or not 1 <= per_page <= oruk.MOST_PER_PAGE:
        return _error(400, f"page must be 1 or more, per_page from 1 to {oruk.MOST_PER_PAGE}")
    return number, per_page


def _paged(request, items: list, render) -> JsonResponse:
    paging = _paging(request)
    if isinstance(paging, JsonResponse):
        return paging
    number, per_page = paging
    chosen = items[(number - 1) * per_page : number * per_page]
    document = oruk.page(
        [render(item) for item in chosen], total=len(items), number=number, per_page=per_page
    )
    return JsonResponse(document)


@openreferral_view
def meta(request):
    return JsonResponse(
        {
            "version": "3.0",
            "profile": PROFILE,
            "openapi_url": "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json",
            "services": request.build_absolute_uri(reverse("openreferral:services")),
        }
    )


@openreferral_view
def services(request):
    found = published_services()
    words = request.GET.get("search", "").strip()
    if words:
        found = found.filter(name__icontains=words) | found.filter(description__icontains=words)
    term = request.GET.get("taxonomy_term_id", "").strip()
    if term:
        found = found.filter(taxonomy_terms__pk__in=[t.pk for t in terms() if str(t.pk) == term])
    taxonomy = request.GET.get("taxonomy_id", "").strip()
    if taxonomy and taxonomy != oruk.TAXONOMY_ID:
        found = found.none()
    return _paged(request, list(found.distinct()), oruk.service_summary)


@openreferral_view
def service(request, pk: str):
    found = service_get(pk)
    if found is None:
        return _error(404, f"No service has the id {pk}")
    return JsonResponse(oruk.service_document(found))


@openreferral_view
def taxonomies(request):
    return _paged(request, [list(terms())], oruk.taxonomy_document)


@openreferral_view
def taxonomy(request, pk: str):
    if pk != oruk.TAXONOMY_ID:
        return _error(404, f"No taxonomy has the id {pk}")
    return JsonResponse(oruk.taxonomy_document(list(terms())))


@openreferral_view
def taxonomy_terms(request):
    return _paged(request, list(terms()), oruk.term_document)


@openreferral_view
def taxonomy_term(request, pk: str):
    found = next((t for t in terms() if str(t.pk) == pk), None)
    if found is None:
        return _error(404, f"No taxonomy term has the id {pk}")
    return JsonResponse(oruk.term_document(found))
