"""Starter eligibility rules a council changes in the admin (points, required, active)."""

from django.db import migrations

RULES = (
    # code, label, points, required
    ("lives-in-borough", "Lives in the borough", 0, True),
    ("no-device", "Has no computer, tablet or smartphone at home", 30, False),
    ("no-internet", "Has no internet connection at home", 20, False),
    ("job-seeking", "Looking for work or training", 20, False),
    ("isolated", "Lives alone or is socially isolated", 15, False),
    ("health", "Has a disability or long-term health condition", 15, False),
    ("care-leaver", "Care leaver or young carer", 15, False),
    ("low-income", "On a low income or receiving benefits", 10, False),
    ("older", "Aged 65 or over", 10, False),
)


def add(apps, schema_editor):
    Rule = apps.get_model("inclusion", "EligibilityRule")
    for order, (code, label, points, required) in enumerate(RULES):
        Rule.objects.get_or_create(
            code=code,
            defaults={"label": label, "points": points, "required": required, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("inclusion", "0001_inclusion_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
