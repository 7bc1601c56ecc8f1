"""The case page itself: the timeline (internal notes, public updates, emails), who viewed
it, the SLA clock in working days, attachments for those who may see the case (audited), and a
query count that does not grow with the case's history. Its actions are in the
test_case_page_*.py files beside this one."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from borough.cases.models import Case
from borough.core.models import AuditEvent
from tests.hub.case_page import act, fresh, page, template
from tests.signing_in import staff_login

# --- Timeline, views, files, SLA ----------------------------------------------------------


@pytest.mark.django_db
def test_the_timeline_marks_internal_notes_public_updates_and_emails(
    client, case, waste_officer, django_capture_on_commit_callbacks
):
    staff_login(client, waste_officer)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, case, "note", text="Check the bin store", visibility="internal")
        act(client, case, "update", update_text="Crew on the way")
    html = page(client, case)
    timeline = html.split(">Timeline</h2>")[1]
    assert re.search(
        r"Internal note</strong>\s*<strong class=\"govuk-tag govuk-tag--grey\">Internal", timeline
    )
    assert re.search(
        r"Update</strong>\s*<strong class=\"govuk-tag govuk-tag--green\">Emailed to the resident<",
        timeline,
    )
    assert "Update email sent" in timeline and "Emailed to the resident: update" in timeline


@pytest.mark.django_db
def test_views_are_collapsed_per_person_per_day(client, case, waste_officer, agent):
    AuditEvent.objects.create(
        actor=agent, action="viewed", object_type="case", object_id=str(case.pk)
    )
    AuditEvent.objects.filter(actor=agent).update(at=timezone.now() - dt.timedelta(days=1))
    staff_login(client, waste_officer)
    page(client, case)
    page(client, case)
    html = page(client, case)
    assert f"Viewed by {waste_officer.get_full_name()}, 3 times today" in html
    assert f"Viewed by {agent.get_full_name()}, once yesterday" in html
    assert "Who viewed this case (4 views)" in html


@pytest.mark.django_db
def test_the_sla_clock_counts_working_days(client, case, waste_officer):
    staff_login(client, waste_officer)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)  # a Monday a week or two ago
    Case.objects.filter(pk=case.pk).update(due_date=monday)
    html = page(client, case)
    from borough.core.working_days import working_days_between

    late = working_days_between(monday, today)
    assert f"Overdue by {late} working day{'s' if late != 1 else ''}" in html
    Case.objects.filter(pk=case.pk).update(due_date=today)
    assert "Due today" in page(client, case)


@pytest.mark.django_db
def test_attachments_download_for_those_who_may_see_the_case_and_are_audited(
    client, case, waste_officer, highways_officer, catalogue, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "abc.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    photo = {"name": "tip.jpg", "path": "uploads/abc.jpg", "content_type": "image/jpeg", "size": 13}
    Case.objects.filter(pk=case.pk).update(
        service=catalogue["report-fly-tipping"], answers={"photo": photo}
    )
    staff_login(client, waste_officer)
    html = page(client, case)
    url = f"/hub/cases/{case.reference}/files/photo/"
    assert f'href="{url}"' in html and "Download tip.jpg" in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff fake jpeg"
    assert 'filename="tip.jpg"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        actor=waste_officer, object_type="case_attachment", object_id=f"{case.pk}:photo"
    ).exists()
    assert client.get(f"/hub/cases/{case.reference}/files/details/").status_code == 404
    staff_login(client, highways_officer)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_case_page_query_count_does_not_grow_with_its_history(
    client, make_case, case, waste_officer, agent, django_assert_max_num_queries
):
    staff_login(client, waste_officer)
    template(case.team, "Any", "Hello {reference}")
    page(client, case)  # the first request after signing in also touches the session

    def grow():
        other = make_case(100021500002)
        act(client, case, "link", other_reference=other.reference, link_reason="r")
        act(client, case, "note", text="note", visibility="internal")
        act(client, case, "update", update_text="update")
        duplicate = make_case(100021500003)
        act(client, duplicate, "duplicate", original=case.reference)
        AuditEvent.objects.create(
            actor=agent, action="viewed", object_type="case", object_id=str(case.pk)
        )

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    grow()
    # Each request empties the query log when it starts; empty it first so the count is right.
    reset_queries()
    with CaptureQueriesContext(connection) as small:
        page(client, case)
    queries = len(small)  # read now: the next request empties the log it reads from
    # The case's own reads and one read of the person's memberships for every permission check
    # of the page and the menu; what matters is that it does not grow (below).
    assert 10 < queries <= 16
    for _ in range(4):
        grow()
    assert fresh(case).events.count() > 20
    reset_queries()
    with django_assert_max_num_queries(queries):
        html = page(client, case)
    assert html.count("Linked to ") >= 5
