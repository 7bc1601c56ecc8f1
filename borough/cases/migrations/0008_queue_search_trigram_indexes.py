"""Trigram indexes for the work queue's text search, on PostgreSQL only.

The queue searches ``LIKE '%word%'`` in the property's search text, the street name, the case's
location description and the resident's names (``cases.selectors.case_list``). A B-tree cannot
serve a pattern with a leading wildcard; a GIN trigram index can. The case-insensitive lookups
compare ``UPPER(column)``, so those indexes are on the same expression. SQLite (the embedded
mode) has no trigram indexes and gets none: its data sets are small.
"""

from django.db import migrations

INDEXES = [
    ("places_property_search_trgm", "places_property", '"search_text" gin_trgm_ops'),
    ("places_street_name_trgm", "places_street", 'UPPER("name") gin_trgm_ops'),
    (
        "cases_case_location_trgm",
        "cases_case",
        'UPPER("location_description") gin_trgm_ops',
    ),
    ("people_resident_last_trgm", "people_resident", 'UPPER("last_name") gin_trgm_ops'),
    ("people_resident_first_trgm", "people_resident", 'UPPER("first_name") gin_trgm_ops'),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({expression})'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_queue_indexes"),
        ("people", "0001_initial"),
        ("places", "0002_collection_schedules"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
