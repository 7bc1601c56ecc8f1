"""Times and dates in GOV.UK style, for residents and staff alike: "10:38pm", "midday",
"7 December 2026 at 10:38pm" (not Django's "10:38 p.m." or a 24-hour clock).

    {% load govuk_dates %}
    {{ event.at|govuk_datetime }}            7 December 2026 at 10:38pm
    {{ event.at|govuk_datetime:"j M Y" }}    7 Dec 2026 at 10:38pm
    {{ message.at|govuk_time }}              10:38pm
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

register = template.Library()


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def govuk_time_text(value: dt.datetime | dt.time) -> str:
    """``10:38pm``, ``9am``, ``midday`` or ``midnight``."""
    value = _local(value)
    hour, minute = value.hour, value.minute
    if minute == 0 and hour == 12:
        return _("midday")
    if minute == 0 and hour == 0:
        return _("midnight")
    twelve = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"


@register.filter
def govuk_time(value) -> str:
    if not value:
        return ""
    return govuk_time_text(value)


@register.filter
def govuk_datetime(value, date_part: str = "j F Y") -> str:
    """The date (Django date format ``date_part``) and the time: "7 December 2026 at 10:38pm"."""
    if not value:
        return ""
    value = _local(value)
    return _("%(date)s at %(time)s") % {
        "date": date_format(value, date_part),
        "time": govuk_time_text(value),
    }
