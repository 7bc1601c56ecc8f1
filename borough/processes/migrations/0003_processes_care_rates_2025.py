"""The Care Act 2014 charging figures for England from 6 April 2025 (DHSC local authority
circular for 2025 to 2026): data the council keeps up to date in the admin each April."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    rates = apps.get_model("processes", "CareChargingRates")
    rates.objects.get_or_create(
        effective_from=dt.date(2025, 4, 6),
        defaults={
            "upper_capital_limit": 2_325_000,  # £23,250
            "lower_capital_limit": 1_425_000,  # £14,250
            "tariff_step": 25_000,  # £1 a week for every £250, or part of £250
            "tariff_per_step": 100,
            "personal_expenses_allowance": 3_065,  # £30.65
            "mig_working_age_single": 11_250,  # £112.50, single, 25 to pension credit age
            "mig_pension_age_single": 23_730,  # £237.30: check against the circular's annex
            "source": "Social care charging for local authorities 2025 to 2026 (DHSC circular); "
            "the pension-age minimum income guarantee was not checked against the annex",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("processes", "0002_processes_care_charging")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
