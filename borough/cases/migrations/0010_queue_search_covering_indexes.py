"""Covering indexes for the work queue's text search, on PostgreSQL only.

A search word finds cases through the property, the street or the resident it matches
(``cases.selectors.case_ids``). Each of those parts filters by the queue's other filters and
orders by due date, priority or creation time. With these columns in the foreign key's index,
each part is an index-only scan: a word that matches a busy street's hundreds of properties
reads thousands of index entries and never the table. SQLite (the embedded mode) has no
INCLUDE clause and small data sets: it gets none. ADR 0011.
"""

from django.db import migrations

COLUMNS = "id, team_id, status, priority, due_date, created_at, assignee_id, ward_id"
INDEXES = [
    ("case_search_property", "property_id"),
    ("case_search_street", "street_id"),
    ("case_search_resident", "resident_id"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "cases_case" ("{column}") INCLUDE ({COLUMNS})'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_case_event_time_recorded")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
