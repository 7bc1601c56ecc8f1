"""The starting retention schedule (issue 23): one rule per kind of record, which the council
changes to match its own retention schedule."""

from django.db import migrations

DEFAULTS = [
    ("closed_cases", 2190, "delete", "Six years after closing: the Limitation Act 1980 period"),
    ("chats", 365, "delete", "A year after the last message"),
    ("uploads", 365, "delete", "A year after the request closed"),
    ("outbox", 365, "delete", "A year after sending"),
    ("webhook_deliveries", 30, "delete", "Thirty days after delivery or giving up"),
    ("linkage_runs", 90, "delete", "Ninety days after a newer run replaced it"),
    ("audit_log", 2190, "delete", "Six years, as long as the longest record it describes"),
    ("saved_forms", 28, "anonymise", "28 days, as residents are told when they save a form"),
]


def add(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    for kind, days, action, reason in DEFAULTS:
        RetentionRule.objects.get_or_create(
            kind=kind,
            service=None,
            defaults={"keep_days": days, "action": action, "reason": reason},
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_governance_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
