"""KPI dashboards: the overview, and one service or one channel. Read only the count tables."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from borough.accounts.policies import can_see_insights
from borough.catalogue.selectors import service_get
from borough.core.channels import Channel
from borough.insights.dashboards import PeriodInvalid, dashboard, default_period, period_from
from borough.places.selectors import ward_list

from .access import staff_required


def _links():
    return {
        "service_link": lambda slug: reverse("hub:insights_service", args=[slug]),
        "channel_link": lambda channel: reverse("hub:insights_channel", args=[channel]),
    }


def _csv(table, start, end) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.id}-{start}-to-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([c.raw for c in row])
    return response


def _page(request, *, title: str, caption: str, service=None, channel=None):
    if not can_see_insights(request.user):
        raise PermissionDenied
    errors = {}
    try:
        start, end = period_from(request.GET)
    except PeriodInvalid as invalid:
        errors = invalid.errors
        start, end = default_period()
    wards = list(ward_list())
    ward = None
    if wanted_ward := request.GET.get("ward", "").strip():
        ward = next((w for w in wards if str(w.pk) == wanted_ward), None)
        if ward is None:
            errors["period-ward"] = "Choose a ward from the list"
    board = None
    if not errors:
        board = dashboard(
            start,
            end,
            service_id=service.pk if service else None,
            channel=channel,
            ward_id=ward.pk if ward else None,
            **_links(),
        )
    wanted = request.GET.get("download")
    if wanted and board is not None:
        table = board.table(wanted)
        if table is None:
            raise Http404("No such table")
        return _csv(table, start, end)
    return render(
        request,
        "hub/insights/dashboard.html",
        {
            "title": title,
            "caption": caption,
            "board": board,
            "errors": errors,
            "form_has_errors": bool(errors),
            "entered": request.GET
            if errors
            else {"from": start.isoformat(), "to": end.isoformat()},
            "query": urlencode({"from": start, "to": end, **({"ward": ward.pk} if ward else {})}),
            "wards": wards,
            "ward": ward,
            "is_overview": service is None and channel is None,
        },
    )


@staff_required
def overview(request):
    return _page(request, title="Insights", caption="Every service and channel")


@staff_required
def service(request, slug: str):
    found = service_get(slug)
    if found is None:
        raise Http404("No such service")
    return _page(request, title=found.name, caption="Insights by service", service=found)


@staff_required
def channel(request, channel: str):
    if channel not in Channel.values:
        raise Http404("No such channel")
    return _page(
        request, title=Channel(channel).label, caption="Insights by channel", channel=channel
    )
