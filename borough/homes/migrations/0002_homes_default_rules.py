"""The starting rules (issue 27), which the council tunes on the hub's rules page. Why these
numbers: ADR homes ("Rules and their defaults")."""

from django.db import migrations

DEFAULTS = [
    # kind, humidity at least, temperature below, hours, share of hours, heating months
    ("mould", 70.0, 16.0, 72, 75, ""),
    ("no_heat", None, 14.0, 6, 75, "10,11,12,1,2,3,4"),
    ("silent", None, None, 24, 100, ""),
]


def add(apps, schema_editor):
    Rule = apps.get_model("homes", "Rule")
    for kind, humidity, temperature, hours, share, months in DEFAULTS:
        Rule.objects.get_or_create(
            kind=kind,
            defaults={
                "humidity_at_least": humidity,
                "temperature_below": temperature,
                "hours": hours,
                "share_of_hours": share,
                "heating_months": months,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("homes", "0001_homes_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
