"""Make the insights benchmark's data inside PostgreSQL (used by bench/insights.py).

Every table is filled with one `INSERT ... SELECT ... FROM generate_series(...)`, so no row passes
through Python. Columns not given here take their model default (or NULL when nullable), read
from the model, so a column added later with a default does not break the benchmark.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from borough.accounts.models import Team, User
from borough.cases.models import Case, CaseEvent
from borough.catalogue.models import Service
from borough.contacts.models import Contact, Feedback, FormSession
from borough.insights.models import CountedDay, DailyCount, ResidentSignIn

RESIDENTS = 200_000


def _literal(field: models.Field) -> str:
    default = field.get_default()
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb" if default in ({}, None) else "'[]'::jsonb"
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, int | float):
        return str(default)
    if isinstance(default, str):
        return "'" + default.replace("'", "''") + "'"
    raise ValueError(f"no value for {field.model.__name__}.{field.name}")


def _spread(n: int, days: int) -> str:
    """The instant of row ``g`` of ``n``, spread evenly over ``days`` days from ``%(t0)s``."""
    return f"(%(t0)s + ((g - 1)::float8 / {n} * {days} * 86400) * interval '1 second')"


def prepare(*, events: int, cases: int, days: int, fresh: bool) -> dict:
    today = timezone.localdate()
    last_day = today - dt.timedelta(days=1)
    first_day = last_day - dt.timedelta(days=days - 1)
    found = {
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "days": days,
        "server": "{}.{}".format(
            *divmod(connection.cursor().connection.info.server_version, 10000)
        ),
    }
    call_command("migrate", verbosity=0)
    if not Service.objects.exists():
        call_command("load_catalogue", verbosity=0)
    same = (
        not fresh
        and Contact.objects.count() == events
        and Case.objects.count() == cases
        and ResidentSignIn.objects.exists()
        and Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
        is not None
        and timezone.localtime(
            Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
        ).date()
        == first_day
    )
    start = time.perf_counter()
    if not same:
        with transaction.atomic():
            _make(events=events, cases=cases, days=days, first_day=first_day)
    found.update(
        made=not same,
        seconds=time.perf_counter() - start,
        contacts=Contact.objects.count(),
        cases=Case.objects.count(),
        form_sessions=FormSession.objects.count(),
        feedback=Feedback.objects.count(),
        time_records=CaseEvent.objects.filter(kind=CaseEvent.Kind.TIME_RECORDED).count(),
        residents=User.objects.filter(kind=User.Kind.RESIDENT).count(),
        sign_ins=ResidentSignIn.objects.count(),
    )
    return found


def _make(*, events: int, cases: int, days: int, first_day: dt.date) -> None:
    t0 = timezone.make_aware(dt.datetime.combine(first_day, dt.time(0, 30)))
    services = list(Service.objects.order_by("pk").values_list("pk", "team_id"))
    staff, _ = User.objects.get_or_create(
        email="bench.agent@council.example", defaults={"kind": User.Kind.STAFF}
    )
    n = len(services)
    service_ids = "(ARRAY[" + ",".join(str(s) for s, _ in services) + "])"
    team_ids = "(ARRAY[" + ",".join(str(t or Team.objects.first().pk) for _, t in services) + "])"
    tables = [
        ResidentSignIn, DailyCount, CountedDay, CaseEvent, Feedback, FormSession, Contact, Case,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(m._meta.db_table for m in tables) + " RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bench-resident-%%'")

    def run(model, count, given, conflict=""):
        _insert(model, count, given, t0=t0, conflict=conflict)

    closed = "(g % 10 < 7)"
    created = _spread(cases, days)
    run(
        Case,
        cases,
        {
            "reference": "'B' || lpad(g::text, 10, '0')",
            "service_id": f"{service_ids}[1 + g % {n}]",
            "team_id": f"{team_ids}[1 + g % {n}]",
            "status": f"CASE WHEN {closed} THEN 'closed' ELSE 'new' END",
            "state": f"CASE WHEN {closed} THEN 'closed' ELSE 'new' END",
            "channel": "CASE WHEN g % 4 = 0 THEN 'phone' ELSE 'web' END",
            "due_date": f"({created})::date + 10",
            "created_at": created,
            "updated_at": created,
            "closed_at": f"CASE WHEN {closed} THEN {created} + (1 + g % 200) * interval '1 hour' END",
        },
    )
    first_case = Case.objects.order_by("pk").values_list("pk", flat=True).first()
    # A contact is about a case (6 in 10) raised near the time of the contact, so repeat
    # contacts within 7 days happen as they do in life.
    about = f"(LEAST({cases} - 1, ((g - 1)::bigint * {cases} / {events}) + g % 3))"
    with_case = "(g % 10 < 6)"
    channel = (
        "CASE WHEN g % 100 < 45 THEN 'web' WHEN g % 100 < 75 THEN 'phone' "
        "WHEN g % 100 < 85 THEN 'email' WHEN g % 100 < 90 THEN 'face_to_face' "
        "WHEN g % 100 < 95 THEN 'chat' WHEN g % 100 < 98 THEN 'voice' ELSE 'letter' END"
    )
    staffed = "(g % 100 >= 45 AND g % 100 < 90 OR g % 100 >= 98)"
    run(
        Contact,
        events,
        {
            "channel": channel,
            "direction": "CASE WHEN g % 100 = 99 THEN 'outbound' ELSE 'inbound' END",
            "started_at": _spread(events, days),
            "duration_seconds": "CASE WHEN g % 100 BETWEEN 45 AND 74 THEN 60 + g % 600 END",
            "case_id": f"CASE WHEN {with_case} THEN {first_case} + {about} END",
            "service_id": (
                f"CASE WHEN {with_case} THEN {service_ids}[1 + ({about} + 1) % {n}] "
                f"WHEN g % 10 < 8 THEN {service_ids}[1 + g % {n}] END"
            ),
            "handled_by_id": f"CASE WHEN {staffed} THEN {staff.pk} END",
        },
    )
    started = _spread(cases, days)
    run(
        FormSession,
        cases,
        {
            "service_id": f"{service_ids}[1 + g % {n}]",
            "started_at": started,
            "outcome": (
                "CASE WHEN g % 10 < 6 THEN 'submitted' WHEN g % 10 = 6 THEN 'not_eligible' "
                "ELSE 'in_progress' END"
            ),
            "completed_at": f"CASE WHEN g % 10 < 7 THEN {started} + interval '6 minutes' END",
        },
    )
    run(
        Feedback,
        cases // 5,
        {
            "service_id": f"{service_ids}[1 + g % {n}]",
            "point": "'submitted'",
            "score": "1 + g % 5",
            "given_at": _spread(cases // 5, days),
        },
    )
    run(
        CaseEvent,
        cases // 2,
        {
            "case_id": f"{first_case} + (g - 1) * 2",
            "at": f"{_spread(cases // 2, days)} + interval '2 hours'",
            "kind": "'time_recorded'",
            "data": "jsonb_build_object('minutes', 5 + g % 60)",
        },
    )
    run(
        User,
        RESIDENTS,
        {
            "email": "'bench-resident-' || g || '@example.com'",
            "password": "'!'",
            "kind": "'resident'",
            "date_joined": _spread(RESIDENTS, days),
        },
    )
    first_user = (
        User.objects.filter(email__startswith="bench-resident-")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    sign_ins = RESIDENTS * 5
    run(
        ResidentSignIn,
        sign_ins,
        {
            "user_id": f"{first_user} + (g::bigint * 7919) % {RESIDENTS}",
            "day": f"({_spread(sign_ins, days)})::date",
        },
        conflict="ON CONFLICT DO NOTHING",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _insert(model, count: int, given: dict[str, str], *, t0, conflict: str = "") -> None:
    """Insert ``count`` rows; ``given`` maps columns to SQL over ``g`` (1 .. count) and t0."""
    # psycopg binds t0, so every other % (the modulo operator) is doubled.
    sql_given = {k: v.replace("%", "%%").replace("%%(t0)s", "%(t0)s") for k, v in given.items()}
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in sql_given:
            continue
        columns.append(field.column)
        if field.column in sql_given:
            values.append(sql_given[field.column])
        elif isinstance(field, models.UUIDField):
            values.append("gen_random_uuid()")
        elif field.null:
            values.append("NULL")
        else:
            values.append(_literal(field).replace("%", "%%"))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - our SQL
        f"SELECT {', '.join(values)} FROM generate_series(1, {count}) AS g {conflict}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"t0": t0})
