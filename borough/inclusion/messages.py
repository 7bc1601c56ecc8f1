"""Messages to residents about their loan and sessions, through the notify app (GOV.UK Notify
or its sandbox): by email where Borough holds an address, else by text message. Written in the
resident's own language where Borough has it. A failure is kept in the outbox for staff."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from borough.notify.models import MessageChannel
from borough.notify.services import send_message

log = logging.getLogger(__name__)

TEMPLATE_KEY = "inclusion_message"


def _send(resident, subject: str, text: str) -> bool:
    if resident.email:
        channel, to = MessageChannel.EMAIL, resident.email
    elif resident.phone:
        channel, to = MessageChannel.SMS, resident.phone
    else:
        return False
    try:
        send_message(
            channel=channel,
            to=to,
            template_key=TEMPLATE_KEY,
            context={"subject": subject, "text": text},
            resident=resident,
        )
    except Exception:  # kept in the outbox as failed, for staff to see
        log.warning("inclusion message not sent", extra={"resident": resident.pk})
        return False
    return True


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def loan_offered(loan) -> bool:
    with translation.override(loan.resident.preferred_language or "en"):
        return _send(
            loan.resident,
            _("A device is ready for you"),
            _(
                "We can lend you a %(device)s. Sign in to your account to read and accept the "
                "loan agreement and choose how to get it: %(link)s"
            )
            % {
                "device": loan.device.get_kind_display().lower(),
                "link": _link("/my-account/devices/"),
            },
        )


def return_reminder(loan) -> bool:
    with translation.override(loan.resident.preferred_language or "en"):
        return _send(
            loan.resident,
            _("Please return your device"),
            _(
                "Your loan of a %(device)s ends on %(day)s. Please bring it back to any library "
                "by then, or call us to arrange a collection."
            )
            % {
                "device": loan.device.get_kind_display().lower(),
                "day": date_format(loan.due_back, "j F Y"),
            },
        )


def session_reminder(booking) -> bool:
    session = booking.session
    with translation.override(booking.resident.preferred_language or "en"):
        return _send(
            booking.resident,
            _("Your digital skills session is tomorrow"),
            _("%(title)s at %(venue)s on %(when)s. If you cannot come, cancel here: %(link)s")
            % {
                "title": session.title,
                "venue": session.venue,
                "when": date_format(localtime(session.starts_at), "l j F, H:i"),
                "link": _link("/my-account/devices/"),
            },
        )


def survey_invite(survey) -> bool:
    resident = survey.loan.resident
    with translation.override(resident.preferred_language or "en"):
        return _send(
            resident,
            _("How is your device helping you?"),
            _(
                "You have had your device for three months. Please tell us what you can now do "
                "online, in 2 minutes: %(link)s"
            )
            % {"link": _link(f"/my-account/devices/survey/{survey.loan_id}/")},
        )
