"""The single view in the hub: search linked people, a person's golden record and source
records, a household, the review queue of uncertain matches, and the data-quality report.

Only the data team (and admins) may use it (``may_use_single_view``); every person, household
and review pair shown is written to the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from borough.accounts.policies import can_see_resident, may_use_single_view
from borough.accounts.reauth import fresh_sign_in_to_download
from borough.cases.selectors import cases_for_resident
from borough.core.actors import StaffActor
from borough.core.services import audit_record
from borough.singleview import labels, selectors
from borough.singleview.models import LinkedPerson
from borough.singleview.residents import ResidentLink, residents_for_person
from borough.singleview.services import DecisionInvalid, match_decide
from borough.singleview.waterfall import weight_histogram

from .access import staff_required

QUEUE_PAGE_SIZE = 25
#: The session key of the review pairs skipped ("Not sure, skip") in this session, by pk.
SKIPPED_KEY = "singleview_skipped"


def _skipped(request) -> list[int]:
    return [pk for pk in request.session.get(SKIPPED_KEY, []) if isinstance(pk, int)]


def data_team_required(view):
    """Hub staff only (``staff_required``), and of those only the data team and admins."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_single_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _dob_from(query) -> tuple[dt.date | None, str]:
    """The date of birth in the search form, or an error message."""
    parts = [query.get(f"dob-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None, ""
    if not all(part.isdigit() for part in parts):
        return None, "Date of birth must be a real date, like 27 3 1985"
    day, month, year = (int(part) for part in parts)
    try:
        dob = dt.date(year, month, day)
    except ValueError:
        return None, "Date of birth must be a real date, like 27 3 1985"
    if year < 1900 or dob > dt.date.today():
        return None, "Date of birth must be between 1900 and today"
    return dob, ""


@data_team_required
def search(request):
    query = request.GET
    entered = {
        key.replace("-", "_"): query.get(key, "").strip()
        for key in ("name", "postcode", "person_id", "dob-day", "dob-month", "dob-year")
    }
    errors = {}
    dob, dob_error = _dob_from(query)
    if dob_error:
        errors["dob"] = dob_error
    searched = any(entered.values())
    people: list[LinkedPerson] = []
    more = False
    if searched and not errors:
        people, more = selectors.person_search(
            name=entered["name"],
            dob=dob,
            postcode=entered["postcode"],
            person_id=entered["person_id"],
        )
        audit_record(
            actor=request.user,
            action="viewed",
            object_type="single_view_search",
            object_id="-",
            summary=f"searched: {len(people)} people found",
        )
    return render(
        request,
        "hub/singleview/search.html",
        {
            "entered": entered,
            "errors": errors,
            "searched": searched and not errors,
            "people": people,
            "more": more,
            "limit": selectors.SEARCH_LIMIT,
            "latest_import": selectors.latest_import(),
            "queue_size": selectors.review_queue().count(),
        },
    )


@data_team_required
def person(request, person_id: str):
    view = selectors.person_view(person_id)
    if view is None:
        raise Http404("No such person")
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="linked_person",
        object_id=person_id,
        summary=f"single view of {person_id}",
    )
    return render(
        request,
        "hub/singleview/person.html",
        {"view": view, "p": view.person, "residents": _resident_links(request, view.person)},
    )


def _resident_links(request, linked: LinkedPerson) -> list[ResidentLink]:
    """The hub residents this person is (or may be), with their cases for those who may see
    the resident (``can_see_resident``, as on the resident's own page)."""
    links = residents_for_person(linked)
    for link in links:
        cases = list(cases_for_resident(link.resident))
        link.may_see = can_see_resident(
            request.user, link.resident, case_team_ids={case.team_id for case in cases}
        )
        link.cases = cases if link.may_see else []
    return links


@data_team_required
def household(request, household_id: str):
    found = selectors.household_view(household_id)
    if found is None:
        raise Http404("No such household")
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="linked_household",
        object_id=household_id,
        summary=f"household {household_id}",
    )
    return render(request, "hub/singleview/household.html", {"household": found})


@data_team_required
def review_queue(request):
    queue = selectors.review_queue(skipped=_skipped(request))
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hub/singleview/review_queue.html", {"page": page})


@data_team_required
@require_http_methods(["GET", "POST"])
def review_pair(request, pair_id: int):
    view = selectors.review_pair_view(pair_id)
    if view is None:
        messages.info(request, "That pair has already been decided or is no longer in the queue")
        return redirect("hub:singleview_review")
    errors, entered = {}, {}
    if request.method == "POST" and "skip" in request.POST:
        return _skip(request, view.pair)
    if request.method == "POST":
        entered = request.POST
        try:
            made = match_decide(
                actor=StaffActor(request.user),
                pair=view.pair,
                decision=request.POST.get("decision", ""),
                note=request.POST.get("note", ""),
            )
        except DecisionInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(
                request,
                f"{made.get_decision_display()}: {labels.record_name(made.unique_id_l)} and "
                f"{labels.record_name(made.unique_id_r)}. "
                "The next linkage run will use this decision.",
            )
            return _next_pair(request)
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="review_pair",
        object_id=f"{view.pair.unique_id_l}|{view.pair.unique_id_r}",
        summary="review pair",
    )
    return render(
        request,
        "hub/singleview/review_pair.html",
        {"view": view, "errors": errors, "entered": entered},
        status=400 if errors else 200,
    )


def _skip(request, pair):
    """ "Not sure, skip": decide nothing, send this pair to the back of the queue for the rest
    of the session, record it, and go on to the next pair not skipped."""
    skipped = [pk for pk in _skipped(request) if pk != pair.pk] + [pair.pk]
    request.session[SKIPPED_KEY] = skipped
    audit_record(
        actor=request.user,
        action="viewed",
        object_type="review_pair",
        object_id=f"{pair.unique_id_l}|{pair.unique_id_r}",
        summary="skipped: not sure",
    )
    if not _pairs_left(skipped).exists():
        messages.info(request, "Skipped. Every pair left has been skipped in this session")
        return redirect("hub:singleview_review")
    messages.info(request, "Skipped without a decision: the pair is at the back of the queue")
    return _next_pair(request)


def _pairs_left(skipped: list[int]):
    return selectors.review_queue(skipped=skipped).exclude(pk__in=skipped)


def _next_pair(request):
    """On to the next pair not skipped in this session, as a queue is worked (one click a
    pair); back to the queue when none is left."""
    following = _pairs_left(_skipped(request)).first()
    if following is None:
        return redirect("hub:singleview_review")
    return redirect("hub:singleview_review_pair", pair_id=following.pk)


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([json.dumps(v) if isinstance(v, list) else v for v in row])
    return response


@data_team_required
@fresh_sign_in_to_download
def data_quality(request):
    wanted = request.GET.get("download", "")
    if wanted:
        if wanted not in {"duplicates", "conflicts"}:
            raise Http404("No such download")
        audit_record(
            actor=request.user,
            action="exported",
            object_type="data_quality",
            object_id=wanted,
            summary=f"data quality {wanted} CSV",
        )
        if wanted == "duplicates":
            return _csv(
                "duplicates.csv",
                ["source", "person_id", "records", "record_ids"],
                selectors.duplicates_rows(),
            )
        return _csv(
            "conflicts.csv", ["person_id", "field", "values", "sources"], selectors.conflicts_rows()
        )
    latest = selectors.latest_import()
    return render(
        request,
        "hub/singleview/data_quality.html",
        {
            "report": selectors.data_quality(),
            "latest_import": latest,
            "histogram": latest and weight_histogram(latest.weight_histogram, latest.threshold),
        },
    )
