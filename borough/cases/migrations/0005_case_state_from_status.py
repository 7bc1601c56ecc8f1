from django.db import migrations
from django.db.models import F


def state_from_status(apps, schema_editor):
    """Existing cases followed the default workflow, whose states are the base statuses."""
    apps.get_model("cases", "Case").objects.update(state=F("status"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_workflow_state_and_sla_markers"),
    ]

    operations = [
        migrations.RunPython(state_from_status, migrations.RunPython.noop, elidable=True),
    ]
