from django.db import migrations, models


def add(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    RetentionRule.objects.get_or_create(
        kind="call_recordings",
        service=None,
        defaults={
            "keep_days": 365,
            "action": "delete",
            "reason": "Each phone line keeps its recordings for its own period (set in the "
            "routing plan); none for more than a year (ADR call recording)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0007_merge_gov_and_homes"),
        ("telephony", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="retentionrule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("closed_cases", "Closed requests (with their timeline)"),
                    ("chats", "Chats with the assistant and live chat"),
                    ("uploads", "Photos and files on closed requests"),
                    ("outbox", "Messages sent (the outbox)"),
                    ("webhook_deliveries", "Webhook deliveries and their bodies"),
                    ("linkage_runs", "Single view imports of earlier linkage runs"),
                    ("audit_log", "Audit log of who saw or changed personal data"),
                    ("saved_forms", "Answers of forms saved to finish later"),
                    ("sensor_readings", "Readings from sensors in council homes (and roll-ups)"),
                    (
                        "call_recordings",
                        "Call recordings (each line's own period, at most this)",
                    ),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(add, migrations.RunPython.noop),
    ]
