"""The audit log keeps who acted after their account is deleted, the channel, the fields
changed and whose data it was (issue 16). Existing rows are filled from what they hold."""

import re

from django.conf import settings
from django.db import migrations, models

API_SUMMARY = re.compile(r"^API client (\d+) \((.*)\)$")


def _label(user) -> str:
    name = f"{user.first_name} {user.last_name}".strip()
    who = f"{name} <{user.email}>" if name else user.email
    return f"user {user.pk}: {who}"[:200]


def fill_existing(apps, schema_editor):
    """Name the actor of every existing row while their account still exists, and say which
    channel it came from and whose data it was where the row tells."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    Case = apps.get_model("cases", "Case")
    ResidentNeed = apps.get_model("people", "ResidentNeed")
    batch = []
    for event in AuditEvent.objects.select_related("actor").iterator(chunk_size=1000):
        api = API_SUMMARY.match(event.summary)
        if event.actor is not None:
            event.actor_label = _label(event.actor)
            event.channel = "hub" if event.actor.kind == "staff" else "portal"
        elif api:
            event.actor_label = f"API client {api[1]}: {api[2]}"[:200]
            event.channel = "api"
        else:
            event.actor_label, event.channel = "system", "system"
        if event.object_id.isdigit():
            if event.object_type == "resident":
                event.resident_id = int(event.object_id)
            elif event.object_type == "case":
                event.resident_id = (
                    Case.objects.filter(pk=event.object_id).values_list("resident_id", flat=True)
                ).first()
            elif event.object_type == "resident_need":
                event.resident_id = (
                    ResidentNeed.objects.filter(pk=event.object_id)
                    .values_list("resident_id", flat=True)
                    .first()
                )
        batch.append(event)
        if len(batch) >= 1000:
            AuditEvent.objects.bulk_update(batch, ["actor_label", "channel", "resident_id"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["actor_label", "channel", "resident_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_ratelimits_securityevent"),
        ("cases", "0010_queue_search_covering_indexes"),
        ("people", "0002_resident_email_updates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_label",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="changed_fields",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("hub", "Resident Hub"),
                    ("admin", "Django admin"),
                    ("api", "API"),
                    ("portal", "Portal"),
                    ("system", "Borough itself"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="resident_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["resident_id", "at"], name="core_audit_resident_at_idx"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("viewed", "Viewed"),
                    ("created", "Created"),
                    ("changed", "Changed"),
                    ("deleted", "Deleted"),
                    ("exported", "Exported"),
                    ("downloaded", "Downloaded by the resident"),
                    ("claimed", "Linked to the resident's account"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(fill_existing, migrations.RunPython.noop),
    ]
