"""Set bulky waste collection days for a ward: ``manage.py bulky_slots --ward E05900001
--from 2027-01-04 --to 2027-03-26 --weekdays tue,thu --capacity 20`` (or ``--every-ward``, as
``make run`` does for the demo borough). A day already set keeps
its bookings; its capacity is changed (never below what is booked). Waste staff can also add
and change days one by one in the admin."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from borough.places.models import Ward
from borough.processes.models import BulkySlot

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Command(BaseCommand):
    help = "Set bulky waste collection days (with how many bookings each takes) for a ward"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--ward", help="The ward's code, e.g. E05900001")
        which.add_argument("--every-ward", action="store_true", help="Every ward in the gazetteer")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD")
        parser.add_argument("--weekdays", default="tue", help="e.g. tue,thu (default tue)")
        parser.add_argument("--capacity", type=int, required=True, help="Bookings a day takes")

    def handle(self, *args, ward, every_ward, start, end, weekdays, capacity, **options):
        wards = list(Ward.objects.all() if every_ward else Ward.objects.filter(code=ward))
        if not wards:
            raise CommandError(
                "The gazetteer has no wards" if every_ward else f"No ward with the code {ward!r}"
            )
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError as bad:
            raise CommandError(f"Give the days as YYYY-MM-DD: {bad}") from bad
        days = [part.strip().lower()[:3] for part in weekdays.split(",") if part.strip()]
        if not days or any(part not in WEEKDAYS for part in days):
            raise CommandError(f"Give weekdays from {', '.join(WEEKDAYS)}, e.g. tue,thu")
        if capacity < 1 or last < first or (last - first).days > 366:
            raise CommandError("Give a capacity of 1 or more and a range of up to a year")
        wanted = {WEEKDAYS.index(part) for part in days}
        for found in wards:
            made = changed = 0
            with transaction.atomic():
                day = first
                while day <= last:
                    if day.weekday() in wanted:
                        slot, created = BulkySlot.objects.select_for_update().get_or_create(
                            date=day, ward=found, defaults={"capacity": capacity}
                        )
                        if not created:
                            slot.capacity = max(capacity, slot.booked)
                            slot.save(update_fields=["capacity"])
                            changed += 1
                        made += created
                    day += dt.timedelta(days=1)
            self.stdout.write(f"{made} days added, {changed} changed for {found.name}")
