"""The daily reconciliation of Borough's payments against GOV.UK Pay's records (issue 20).

For one day (midnight to midnight, UK time) Borough asks Pay for every payment it made (the
search endpoint, ``GET /v1/payments`` with ``from_date`` and ``to_date``, every page) and
matches them to its own ``Payment`` rows by Pay's payment id. Each is one line:

- ``matched``: the same amount, status and refunds on both sides;
- ``not_in_borough``: Pay has a payment Borough has no record of (for example one made with
  the council's key by another system, or a row lost);
- ``not_at_pay``: Borough recorded a payment id Pay does not list for the day;
- ``amount``: the amounts differ;
- ``status``: the statuses differ (a resident who abandoned the page while Borough still says
  "created" shows here until the nightly check; a success Borough missed matters most);
- ``refunds``: what was refunded differs.

Nothing is changed by reconciling: it is for finance to read, and the CSV to keep.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum

from .client import PayClient, PayPayment, pay_client
from .models import Payment, PayState

PROBLEMS = {
    "matched": "Matched",
    "not_in_borough": "In GOV.UK Pay, not in Borough",
    "not_at_pay": "In Borough, not in GOV.UK Pay",
    "amount": "Amounts differ",
    "status": "Statuses differ",
    "refunds": "Refunds differ",
}
CSV_COLUMNS = [
    "result",
    "borough_reference",
    "pay_payment_id",
    "service",
    "channel",
    "borough_amount_pence",
    "pay_amount_pence",
    "borough_status",
    "pay_status",
    "borough_refunded_pence",
    "pay_refunded_pence",
]


@dataclass(frozen=True)
class Line:
    result: str
    pay_id: str
    reference: str = ""
    service: str = ""
    channel: str = ""
    borough_amount: int | None = None
    pay_amount: int | None = None
    borough_state: str = ""
    pay_state: str = ""
    borough_refunded: int | None = None
    pay_refunded: int | None = None

    @property
    def label(self) -> str:
        return PROBLEMS[self.result]

    def row(self) -> list[str]:
        return [
            self.result,
            self.reference,
            self.pay_id,
            self.service,
            self.channel,
            *("" if v is None else str(v) for v in (self.borough_amount, self.pay_amount)),
            self.borough_state,
            self.pay_state,
            *("" if v is None else str(v) for v in (self.borough_refunded, self.pay_refunded)),
        ]


@dataclass
class Reconciliation:
    day: dt.date
    lines: list[Line] = field(default_factory=list)

    @property
    def problems(self) -> list[Line]:
        return [line for line in self.lines if line.result != "matched"]

    @property
    def matched(self) -> int:
        return sum(line.result == "matched" for line in self.lines)

    @property
    def pay_taken(self) -> int:
        """Pence Pay says it took that day (successful payments)."""
        return sum(
            line.pay_amount or 0 for line in self.lines if line.pay_state == PayState.SUCCESS
        )

    @property
    def borough_taken(self) -> int:
        return sum(
            line.borough_amount or 0
            for line in self.lines
            if line.borough_state == PayState.SUCCESS
        )

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for line in self.lines:
            writer.writerow([_safe(cell) for cell in line.row()])
        return out.getvalue()


def _safe(cell: str) -> str:
    """No cell starts a spreadsheet formula."""
    return (
        "'" + cell if cell[:1] in {"=", "+", "-", "@"} and not cell.lstrip("-").isdigit() else cell
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def reconcile_day(day: dt.date, *, client: PayClient | None = None) -> Reconciliation:
    """Match one day's payments. Raises ``PayError`` when Pay cannot be asked."""
    start, end = day_bounds(day)
    at_pay = (client or pay_client()).search_all_payments(from_date=_iso(start), to_date=_iso(end))
    ours = {
        p.pay_id: p
        for p in Payment.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(pay_id="")
        .select_related("service")
        .annotate(refunded=Sum("refunds__amount_pence"))
    }
    found = {p.payment_id: p for p in at_pay}
    # A payment Pay lists for the day that Borough made just either side of midnight.
    for late in (
        Payment.objects.filter(pay_id__in=set(found) - set(ours))
        .select_related("service")
        .annotate(refunded=Sum("refunds__amount_pence"))
    ):
        ours[late.pay_id] = late
    result = Reconciliation(day=day)
    for pay_id in sorted(set(ours) | set(found)):
        result.lines.append(_line(pay_id, ours.get(pay_id), found.get(pay_id)))
    order = list(PROBLEMS)
    result.lines.sort(key=lambda line: (order.index(line.result) == 0, line.reference))
    return result


def _line(pay_id: str, ours: Payment | None, theirs: PayPayment | None) -> Line:
    both: dict = {"pay_id": pay_id}
    if ours is not None:
        both |= {
            "reference": ours.reference,
            "service": ours.service.slug,
            "channel": "renewal" if ours.renewal else ours.channel,
            "borough_amount": ours.amount_pence,
            "borough_state": ours.state,
            "borough_refunded": int(getattr(ours, "refunded", 0) or 0),
        }
    if theirs is not None:
        both |= {
            "pay_amount": theirs.amount,
            "pay_state": theirs.status,
            "pay_refunded": theirs.refund_amount_submitted,
        }
        if not both.get("reference"):
            both["reference"] = theirs.reference
    if ours is None:
        return Line(result="not_in_borough", **both)
    if theirs is None:
        return Line(result="not_at_pay", **both)
    if ours.amount_pence != theirs.amount:
        return Line(result="amount", **both)
    if ours.state != theirs.status:
        return Line(result="status", **both)
    if both["borough_refunded"] != theirs.refund_amount_submitted:
        return Line(result="refunds", **both)
    return Line(result="matched", **both)
