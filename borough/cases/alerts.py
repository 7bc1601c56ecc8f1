"""Alerts: follow a report, a street or an area, and get an email or a text message when reports
are made or updated there (issue 25).

A text alert goes to a UK mobile number, which is confirmed first by the link texted to it (as
for an email address other than the account's). Every text says "Reply STOP to stop these
texts" and carries the unsubscribe link: a STOP reply reaches ``alert_text_received`` through
Notify's received-texts callback (``notify.callbacks.text_handlers``) and ends every text alert
to that number.

An alert to the signed-in resident's own account address starts at once; an alert to any other
address starts when the link emailed to it is followed (so no one can sign someone else up).
Every alert email carries a one-click unsubscribe link, also sent as the RFC 8058
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers (``notify.send_email``'s
``unsubscribe_url``). The links are signed (``django.core.signing``): the alert's id and what the
link does, nothing personal; the confirmation link lasts a week, the unsubscribe link for ever.

What is sent is what the public report page shows (``cases.public``): never what a resident
wrote or an update's text.
"""

from __future__ import annotations

import logging
import math
import re
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.validators import validate_email
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from borough.accounts.public_policies import may_end_alert, may_follow
from borough.core.actors import Actor, ResidentActor
from borough.notify.models import MessageChannel
from borough.notify.services import channels_available, send_email, send_message

from .errors import TransitionRefused, refuse_unless
from .inbound import national_digits
from .models import Alert, Case, CaseEvent
from .nearby import EARTH_RADIUS_METRES, haversine_metres
from .public import PUBLIC_KINDS

log = logging.getLogger(__name__)

SALT = "borough.cases.alerts"
CONFIRM_DAYS = 7
# The circles a resident may choose for an area alert, in metres.
AREA_RADII = (200, 500, 1000)
MAX_RADIUS = max(AREA_RADII)
# A UK mobile number however it is written: 07700 900982, +44 7700 900982, 00447700900982.
_MOBILE = re.compile(r"^(?:\+44|0044|44|0)(7\d{9})$")
# Replies that end every text alert to the number (the words mobile networks and Notify use).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "CANCEL", "QUIT", "STOPIO", "DIM MWY"}


def mobile_checked(phone: str) -> str:
    """A UK mobile number in E.164 (+447700900982). Raises ``TransitionRefused`` if it is not
    one: texts go to mobiles only."""
    compact = re.sub(r"[\s().-]", "", phone or "")
    match = _MOBILE.match(compact)
    if match is None:
        raise TransitionRefused(
            _("Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982"), field="phone"
        )
    return f"+44{match.group(1)}"


def texts_available() -> bool:
    """Can alerts go by text message? Only through a provider that sends texts (Notify)."""
    return MessageChannel.SMS in channels_available()


def alert_token(alert: Alert, purpose: str) -> str:
    """A signed link token for ``alert``: ``confirm`` or ``end``."""
    return signing.dumps({"a": alert.pk, "p": purpose}, salt=SALT, compress=True)


def _alert_from(token: str, purpose: str, *, max_age=None) -> Alert | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("a"), int):
        return None
    return Alert.objects.filter(pk=data["a"]).first()


def alert_by_text(token: str, purpose: str) -> bool:
    """Is the alert a link names (``confirm`` or ``end``) one by text message? For the words
    of the page the link opens; changes nothing."""
    alert = _alert_from(token, purpose)
    return alert is not None and alert.channel == Alert.Channel.SMS


def _link(name: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[token])}"


def alert_start(
    *,
    actor: Actor,
    kind: str,
    email: str = "",
    channel: str = Alert.Channel.EMAIL,
    phone: str = "",
    case: Case | None = None,
    street=None,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_metres: int | None = None,
) -> Alert:
    """Start following a report, a street or an area, by email (``email``) or text message
    (``channel="sms"``, ``phone``). Raises ``TransitionRefused`` (with the field at fault) for an
    email address or mobile number that is not one or an area radius not offered. Only the
    signed-in resident's own account address starts at once; any other address, and every
    phone number, is sent a link to confirm it first."""
    email = (email or "").strip()
    by_text = channel == Alert.Channel.SMS
    if channel not in Alert.Channel.values:
        raise TransitionRefused(_("Choose how you want to hear about reports"), field="channel")
    if by_text and not texts_available():
        raise TransitionRefused(
            _("We cannot send text messages at the moment. Choose email"), field="channel"
        )
    if by_text:
        phone = mobile_checked(phone)
        email = ""
    else:
        phone = ""
        try:
            validate_email(email)
        except Exception:
            raise TransitionRefused(
                _("Enter an email address in the correct format, like name@example.com"),
                field="email",
            ) from None
    user = actor.user if isinstance(actor, ResidentActor) else None
    own = (
        not by_text
        and user is not None
        and user.is_authenticated
        and user.email.lower() == email.lower()
    )
    refuse_unless(may_follow(actor, email=email or phone, confirmed=own))
    if kind == Alert.Kind.AREA and radius_metres not in AREA_RADII:
        raise TransitionRefused(_("Choose how far around the place to follow"), field="radius")
    if kind == Alert.Kind.AREA and (latitude is None or longitude is None):
        raise TransitionRefused(_("Choose a place to follow"), field="radius")
    now = timezone.now()
    alert = Alert.objects.create(
        kind=kind,
        channel=Alert.Channel.SMS if by_text else Alert.Channel.EMAIL,
        email=email,
        phone=phone,
        user=user if own else None,
        case=case if kind == Alert.Kind.REPORT else None,
        street=street if kind == Alert.Kind.STREET else None,
        latitude=Decimal(f"{latitude:.6f}") if kind == Alert.Kind.AREA else None,
        longitude=Decimal(f"{longitude:.6f}") if kind == Alert.Kind.AREA else None,
        radius_metres=radius_metres if kind == Alert.Kind.AREA else None,
        created_at=now,
        confirmed_at=now if own else None,
    )
    if not own:
        send_message(
            channel=alert.channel,
            to=phone or email,
            template_key="alert_confirm",
            context={
                "what": alert_subject(alert),
                "confirm_url": _link("portal:alert_confirm", alert_token(alert, "confirm")),
                "days": CONFIRM_DAYS,
            },
        )
    return alert


def alert_subject(alert: Alert) -> str:
    """What an alert follows, in words."""
    if alert.kind == Alert.Kind.REPORT and alert.case is not None:
        return _("report %(reference)s") % {"reference": alert.case.reference}
    if alert.kind == Alert.Kind.STREET and alert.street is not None:
        return _("reports on %(street)s") % {"street": alert.street}
    return _("reports within %(metres)s metres of a place") % {"metres": alert.radius_metres}


def alert_confirm(token: str) -> Alert | None:
    """Start the alert a confirmation link names; None for a bad or expired link."""
    alert = _alert_from(token, "confirm", max_age=CONFIRM_DAYS * 86_400)
    if alert is None or alert.ended_at is not None:
        return None
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


def alert_end(token: str, *, actor: Actor) -> Alert | None:
    """End the alert an unsubscribe link names (again is fine); None for a bad link."""
    alert = _alert_from(token, "end")
    if alert is None:
        return None
    refuse_unless(may_end_alert(actor, alert))
    if alert.ended_at is None:
        alert.ended_at = timezone.now()
        alert.save(update_fields=["ended_at"])
    return alert


def alerts_for(case: Case) -> list[Alert]:
    """The live alerts ``case`` matches: following it, its street, or an area it is in."""
    street_id = case.street_id or (case.property.usrn_id if case.property is not None else None)
    wanted = Q(kind=Alert.Kind.REPORT, case=case)
    if street_id:
        wanted |= Q(kind=Alert.Kind.STREET, street_id=street_id)
    lat = float(case.latitude) if case.latitude is not None else None
    lon = float(case.longitude) if case.longitude is not None else None
    if lat is not None and lon is not None:
        d_lat = math.degrees(MAX_RADIUS / EARTH_RADIUS_METRES)
        d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
        wanted |= Q(
            kind=Alert.Kind.AREA,
            latitude__range=(lat - d_lat, lat + d_lat),
            longitude__range=(lon - d_lon, lon + d_lon),
        )
    live = Alert.objects.filter(wanted, confirmed_at__isnull=False, ended_at__isnull=True)
    found = []
    for alert in live.select_related("case", "street"):
        if alert.kind == Alert.Kind.AREA:
            assert lat is not None and lon is not None  # only matched with a point
            assert alert.latitude is not None and alert.longitude is not None
            far = haversine_metres(lat, lon, float(alert.latitude), float(alert.longitude))
            if far > (alert.radius_metres or 0):
                continue
        found.append(alert)
    return found


def case_event_recorded(sender, *, event_id: int, case_id: int, **kwargs) -> None:
    """``cases.signals`` receiver: queue the alerts for a public event of a public report."""
    alerts_send(event_id)


@db_task(retries=3, retry_delay=30)
def alerts_send(event_id: int) -> int:
    """Email every live alert a public event matches, once per address. Returns how many."""
    event = CaseEvent.objects.select_related("case__service", "case__street").get(pk=event_id)
    case = event.case
    if (
        not event.is_public
        or event.kind not in PUBLIC_KINDS
        or (event.data or {}).get("from_resident")
        or case.service.is_private
    ):
        return 0
    report_url = f"{settings.SITE_URL}{reverse('portal:report', args=[case.reference])}"
    sent: set[str] = set()
    for alert in alerts_for(case):
        to = alert.phone if alert.channel == Alert.Channel.SMS else alert.email.lower()
        if to in sent:
            continue
        if event.kind == CaseEvent.Kind.CREATED and alert.kind == Alert.Kind.REPORT:
            continue
        sent.add(to)
        unsubscribe_url = _link("portal:alert_end", alert_token(alert, "end"))
        context = {
            "what": alert_subject(alert),
            "new": event.kind == CaseEvent.Kind.CREATED,
            "headline": event.headline,
            "service": case.service.name,
            "street": str(case.street) if case.street else "",
            "reference": case.reference,
            "status": case.public_state_label,
            "report_url": report_url,
            "unsubscribe_url": unsubscribe_url,
        }
        if alert.channel == Alert.Channel.SMS:
            send_message(
                channel=MessageChannel.SMS,
                to=alert.phone,
                template_key="alert_update",
                context=context,
            )
        else:
            send_email(
                to=alert.email,
                template_key="alert_update",
                context=context,
                unsubscribe_url=unsubscribe_url,
            )
    if sent:
        log.info("alerts sent", extra={"event_id": event_id, "count": len(sent)})
    return len(sent)


def alert_text_received(text) -> bool:
    """A text a resident sent the council's Notify number (``notify.callbacks.text_handlers``):
    STOP (or UNSUBSCRIBE, END...) ends every text alert to the number it came from. True if it
    ended any, so the text is not also added to the sender's request; anything else is left to
    the next handler."""
    words = " ".join(text.message.upper().replace(".", " ").replace("!", " ").split())
    if words not in STOP_WORDS:
        return False
    digits = national_digits(text.source_number)
    if len(digits) != 10 or not digits.startswith("7"):
        return False
    ended = Alert.objects.filter(
        channel=Alert.Channel.SMS, phone=f"+44{digits}", ended_at__isnull=True
    ).update(ended_at=timezone.now())
    if ended:
        log.info("text alerts ended by a STOP reply", extra={"text_id": text.pk, "count": ended})
    return bool(ended)
