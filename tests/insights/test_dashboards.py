"""The hub's KPI pages and the public performance page show the hand-worked figures."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from borough.accounts.models import Role, Team
from borough.insights.services import counts_rebuild
from tests.factories import ResidentUserFactory, StaffFactory
from tests.signing_in import staff_login

from .data import build_week

pytestmark = pytest.mark.django_db


def _days_in_month(day: dt.date) -> int:
    import calendar

    return calendar.monthrange(day.year, day.month)[1]


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _period(week) -> str:
    return f"from={week.first}&to={week.last}"


@pytest.fixture
def counted(week):
    counts_rebuild(start=week.first - dt.timedelta(days=30), end=timezone.localdate())
    return week


def _row(html: str, name: str) -> str:
    """The text of the table row headed ``name`` (first match)."""
    start = html.index(f'<th scope="row" class="govuk-table__header">{name}</th>')
    return html[start : html.index("</tr>", start)]


def test_the_overview_shows_every_kpi_as_worked_out_by_hand(client, lead, counted):
    staff_login(client, lead)
    response = client.get(f"/hub/insights/?{_period(counted)}")
    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        "Contacts from residents": "11",
        "Self-service share": "36.4%",
        "Digital take-up": "75.0%",
        "Completion rate": "83.3%",
        "User satisfaction": "50.0%",
        "Spend on customer contact": "£20.54 (Leaves out email, web chat: no cost set)",
        "Cost per transaction": "£5.14",
        "Letters sent": "1",
        "Print and postage spend": "No cost set",
        "Repeat contact within 7 days": "44.4%",
        "Requests raised": "4",
        "Requests closed": "3",
        "Average time to close": f"{counted.close_seconds / 86400 / 3:.1f} days",
        "Average length of a contact": "4.2 minutes",
        "Online forms started": "6",
        "Staff time recorded on requests": "1.6 hours",  # 95 minutes
        "Spend on business support": "No cost set",
        "MyAccount registrations": "3",
        "Residents signed in to MyAccount, average a day": "0.6",  # 4 sign-ins over 7 days
    }
    for name, shown in expected.items():
        assert f'numeric">{shown}</td>' in _row(html, name), name
    assert "Set it in BOROUGH_STAFF_COST_PER_HOUR" in html
    # Last year had nothing counted: no data, never zero.
    assert _row(html, "Contacts from residents").count("No data") == 1
    satisfaction = html[html.index("table-satisfaction") :]
    assert 'numeric">2</td>' in _row(satisfaction, "Very satisfied")
    assert 'numeric">1</td>' in _row(satisfaction, "Very dissatisfied")


def test_channel_and_service_tables_break_the_figures_down(client, lead, counted):
    staff_login(client, lead)
    html = client.get(f"/hub/insights/?{_period(counted)}").content.decode()
    channels = html[html.index('id="table-channels"') :]
    phone = channels[
        channels.index(">Phone</a>") : channels.index("</tr>", channels.index(">Phone</a>"))
    ]
    assert 'numeric">4</td>' in phone and "£2.83" in phone and "£11.32" in phone
    email = channels[
        channels.index(">Email</a>") : channels.index("</tr>", channels.index(">Email</a>"))
    ]
    assert "No cost set" in email and "£0.00" not in email
    services = html[html.index('id="table-services"') :]
    bins = services[services.index("Report a missed bin") :]
    bins = bins[: bins.index("</tr>")]
    # Missed bins: 3 raised (A, C, D), 4 forms started, 4 finished (3 sent, 1 exit), 3 of 4 happy
    assert [c.split("<")[0] for c in bins.split('numeric">')[1:]][:4] == [
        "3",
        "4",
        "100.0%",
        "75.0%",
    ]


def test_a_day_with_no_data_is_a_gap_not_a_zero(client, lead, counted):
    staff_login(client, lead)
    html = client.get(f"/hub/insights/?{_period(counted)}").content.decode()
    daily = html[html.index('id="table-contacts-daily"') :]
    empty = daily[daily.index(f">{_day(counted.empty_day)}</th>") :]
    assert empty[: empty.index("</tr>")].rstrip().endswith('numeric">No data</td>')
    chart = html[
        html.index('id="chart-contacts"') : html.index("</svg>", html.index('id="chart-contacts"'))
    ]
    # The fourth day has nothing at all; on the last only a form was started and a case closed.
    assert chart.count('class="app-chart-gap"') == 2
    assert chart.count("<rect") == 5
    assert "2 of 7 days have no data and are shown as gaps" in chart


def test_drill_downs_show_one_service_and_one_channel(client, lead, counted):
    staff_login(client, lead)
    html = client.get(f"/hub/insights/services/report-pothole/?{_period(counted)}").content.decode()
    assert '<h1 class="govuk-heading-l">Report a pothole' in html
    assert 'numeric">1</td>' in _row(html, "Requests raised")  # B only
    assert 'numeric">4</td>' in _row(html, "Contacts from residents")
    html = client.get(f"/hub/insights/channels/phone/?{_period(counted)}").content.decode()
    assert 'numeric">4</td>' in _row(html, "Contacts from residents")
    assert 'numeric">£11.32</td>' in _row(html, "Spend on customer contact")
    assert 'numeric">0.0%</td>' in _row(html, "Self-service share")
    assert client.get("/hub/insights/services/no-such-service/").status_code == 404
    assert client.get("/hub/insights/channels/pigeon/").status_code == 404


def test_every_table_downloads_as_csv(client, lead, counted):
    staff_login(client, lead)
    for table in ("kpis", "satisfaction", "channels", "services", "contacts-daily"):
        response = client.get(f"/hub/insights/?{_period(counted)}&download={table}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) > 1, table
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/hub/insights/?{_period(counted)}&download=kpis").content.decode()
            )
        )
    )
    assert rows[0] == ["Measure", "This period", "Same period last year", "Target"]
    assert ["Contacts from residents", "11", "", ""] in rows
    assert ["Spend on customer contact", "20.54", "", ""] in rows
    assert client.get(f"/hub/insights/?{_period(counted)}&download=nope").status_code == 404


def test_costs_come_from_settings_and_a_channel_without_one_is_never_free(
    client, lead, counted, settings
):
    settings.BOROUGH_CONTACT_COSTS = {"phone": "3.00", "voice": "1.00", "email": "lots"}
    settings.BOROUGH_LETTER_COST = "0.95"
    staff_login(client, lead)
    html = client.get(f"/hub/insights/?{_period(counted)}").content.decode()
    channels = html[html.index('id="table-channels"') :]
    voice = channels[channels.index(">Automated voice</a>") :]
    voice = voice[: voice.index("</tr>")]  # a cost but no contacts: no data, not £0
    assert voice.count("No data") == 4 and 'numeric">£1.00</td>' in voice
    email = channels[channels.index(">Email</a>") :]
    assert email[: email.index("</tr>")].count("No cost set") == 2  # "lots" is not a cost
    assert "£12.00 (Leaves out email, face to face, web, web chat: no cost set)" in _row(
        html, "Spend on customer contact"
    )
    assert 'numeric">£0.95</td>' in _row(html, "Print and postage spend")
    settings.BOROUGH_CONTACT_COSTS = {}
    html = client.get(f"/hub/insights/?{_period(counted)}").content.decode()
    assert 'numeric">No cost set</td>' in _row(html, "Spend on customer contact")
    assert 'numeric">No cost set</td>' in _row(html, "Cost per transaction")
    assert "£0.00" not in html


def test_the_default_period_is_the_last_28_days_against_a_year_earlier(client, lead, counted):
    staff_login(client, lead)
    html = client.get("/hub/insights/").content.decode()
    end = timezone.localdate() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=27)
    assert f"From {start:%-d %B %Y} to {end:%-d %B %Y}" in html
    assert f"compared with {start.replace(year=start.year - 1):%-d %B %Y}" in html
    # The week and the contact 10 days before it
    assert 'numeric">12</td>' in _row(html, "Contacts from residents")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-30&to=2026-03-01", "The first day must be a real date"),
        ("from=2026-03-10&to=2026-03-01", "The last day must be the same as or after the first"),
        ("from=2024-01-01&to=2026-03-01", "Choose a period of 366 days or fewer"),
        ("from=2026-03-01&to=", "Enter the last day"),
    ],
)
def test_a_bad_period_is_explained_and_shows_no_figures(client, lead, counted, query, message):
    staff_login(client, lead)
    response = client.get(f"/hub/insights/?{query}")
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "govuk-error-message" in html
    assert "table-kpis" not in html
    assert html.count(message) == 2  # in the summary and by the field


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER])
def test_agents_and_officers_are_refused(client, catalogue, role):
    user = StaffFactory(membership__team=Team.objects.get(slug="waste"), membership__role=role)
    staff_login(client, user)
    for url in (
        "/hub/insights/",
        "/hub/insights/services/report-pothole/",
        "/hub/insights/channels/web/",
    ):
        assert client.get(url).status_code == 403
    assert "Insights</a>" not in client.get("/hub/").content.decode()


def test_residents_are_refused_and_strangers_asked_to_sign_in(client, catalogue):
    assert client.get("/hub/insights/").status_code == 302
    staff_login(client, ResidentUserFactory())
    assert client.get("/hub/insights/").status_code == 403


def test_team_leads_and_admins_may_read_insights_and_see_the_link(client, catalogue, lead):
    admin = StaffFactory(
        membership__team=Team.objects.get(slug="customer-experience"),
        membership__role=Role.ADMIN,
    )
    for user in (lead, admin):
        staff_login(client, user)
        assert client.get("/hub/insights/").status_code == 200
        assert 'href="/hub/insights/">Insights</a>' in client.get("/hub/").content.decode()


def test_dashboard_pages_take_the_same_number_of_queries_whatever_the_data(
    client, lead, catalogue, agent
):
    staff_login(client, lead)
    urls = [
        "/hub/insights/",
        "/hub/insights/services/report-missed-bin/",
        "/hub/insights/channels/phone/",
        "/performance/",
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    counts()  # the first request after signing in also writes the session
    empty = counts()
    today = timezone.localdate()
    for weeks_ago in (2, 5, 9, 40):
        build_week(first=today - dt.timedelta(weeks=weeks_ago), catalogue=catalogue, agent=agent)
    counts_rebuild(start=today - dt.timedelta(days=400), end=today)
    assert counts() == empty
    # The hub menu's checks include information governance (issue 23), payments (issue 20),
    # homes (issue 27), the community directory and digital inclusion (issue 26).
    assert max(empty) <= 20


def test_the_performance_page_publishes_the_headline_kpis_without_sign_in(client, catalogue, agent):
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=2)
    build_week(first=first, catalogue=catalogue, agent=agent)
    counts_rebuild(start=first - dt.timedelta(days=15), end=first + dt.timedelta(days=10))
    response = client.get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "How our online services are performing" in html
    # Over the 12 months: the week and case E (raised 10 days before it) with its first contact;
    # the form started the day before the week and the one finished the day after it count too.
    headline = html[: html.index("Month by month")]
    for figure in ("80.0%", "85.7%", "50.0%", "£4.14"):
        assert f">{figure}</p>" in headline
    month = html[html.index(f">{first:%B %Y}</th>") :]
    month = month[: month.index("</tr>")]
    assert [c.split("<")[0] for c in month.split('numeric">')[1:]] == [
        "4", "75.0%", "85.7%", "50.0%", "£5.14", "3", f"{4 / _days_in_month(first):.1f}",
    ]  # fmt: skip
    # The resident who joined (and signed in) the days before the week counts over the year.
    assert ">4</p>" in headline and "residents created an account" in headline
    assert "Performance</a>" in client.get("/").content.decode()


def test_the_performance_page_says_when_nothing_has_been_counted(client, db):
    html = client.get("/performance/").content.decode()
    assert "No figures have been counted for these months yet." in html
    assert "£0" not in html and "0.0%" not in html


def test_the_ward_filter_keeps_counts_about_requests_in_that_ward(client, lead, week, gazetteer):
    from borough.cases.models import Case
    from borough.places.models import Ward

    ward = Ward.objects.order_by("name").first()
    first_case = Case.objects.order_by("created_at").filter(created_at__date__gte=week.first)[0]
    Case.objects.filter(pk=first_case.pk).update(ward=ward)  # case A of the week
    counts_rebuild(start=week.first, end=week.last)
    staff_login(client, lead)
    html = client.get(f"/hub/insights/?{_period(week)}&ward={ward.pk}").content.decode()
    assert f"in {ward.name} ward only" in html
    assert 'numeric">1</td>' in _row(html, "Requests raised")
    assert 'numeric">3</td>' in _row(html, "Contacts from residents")  # web, then 2 phone calls
    assert 'numeric">1</td>' in _row(html, "Letters sent")
    assert f"ward={ward.pk}" in html[html.index('id="table-kpis"') :]  # kept in the links
    html = client.get(f"/hub/insights/?{_period(week)}&ward=999999").content.decode()
    assert html.count("Choose a ward from the list") == 2
    assert "table-kpis" not in html


def test_business_support_spend_targets_and_last_year_show_on_the_overview(
    client, lead, counted, settings, catalogue, agent
):
    settings.BOROUGH_STAFF_COST_PER_HOUR = "30"
    settings.BOROUGH_LETTER_COST = "0.85"
    settings.BOROUGH_KPI_TARGETS = {"completion_rate": "85", "contacts": "9", "nonsense": "1"}
    # The same week a year earlier, with one contact fewer on its first day.
    from borough.contacts.models import Contact
    from borough.insights.dashboards import year_earlier

    earlier = build_week(first=year_earlier(counted.first), catalogue=catalogue, agent=agent)
    Contact.objects.filter(started_at__date=earlier.first, channel="face_to_face").delete()
    counts_rebuild(start=earlier.first, end=earlier.last)
    staff_login(client, lead)
    html = client.get(f"/hub/insights/?{_period(counted)}").content.decode()
    assert 'numeric">£47.50</td>' in _row(html, "Spend on business support")
    assert "BOROUGH_STAFF_COST_PER_HOUR" not in html
    assert 'numeric">£0.85</td>' in _row(html, "Print and postage spend")
    contacts = _row(html, "Contacts from residents")
    assert [c.split("<")[0] for c in contacts.split('numeric">')[1:]] == ["11", "10", "9"]
    assert 'numeric">85.0%</td>' in _row(html, "Completion rate")
    assert 'numeric">No target set</td>' in _row(html, "User satisfaction")
    chart = html[html.index('id="chart-completion_rate"') :]
    chart = chart[: chart.index("</figure>")]
    assert 'class="app-chart-target"' in chart and "Target 85.0%" in chart
    assert chart.count("<circle") == 4  # days a year earlier with forms started
    assert "Same day last year" in chart
    daily = client.get(f"/hub/insights/?{_period(counted)}&download=contacts-daily")
    rows = list(csv.reader(io.StringIO(daily.content.decode())))
    assert rows[0] == ["Day", "Contacts from residents", "Same day last year"]
    assert rows[1][1:] == ["3", "2"]
