"""Everything Borough holds about one person, gathered for a subject access request (issue 23).

``gather`` reads every app's tables for the resident, and only theirs: their details, needs,
requests with every timeline entry (internal notes too: the officer decides what is withheld),
files, chats, contacts, feedback, messages sent to them, the single view's records linked to
them and the audit log of who saw or changed their record. Each item has a key
("case_event:12") by which the officer withholds it (a third party's data, an exemption).
``package`` writes what is released: a zip of JSON, one CSV per section, the files, a PDF
(``sar_pdf``) and an HTML copy to read in a browser.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string

from borough.assistant.models import Conversation
from borough.cases.models import Case, CaseEvent
from borough.catalogue.models import Upload
from borough.contacts.models import Contact, Feedback
from borough.core.models import AuditEvent
from borough.notify.models import Message
from borough.people.export import resident_data
from borough.people.models import Resident, ResidentNeed
from borough.singleview.models import GoldenField, SourceRecord

from . import sar_more
from .models import RightsRequest
from .sar_pdf import package_pdf

Item = dict[str, Any]

#: The sections of a package, in order, with their headings.
SECTIONS = {
    "details": "Your details",
    "needs": "Needs and support recorded",
    "requests": "Requests",
    "timeline": "Request timelines (updates and notes)",
    "files": "Photos and files",
    "chats": "Chat messages",
    "contacts": "Contacts with the council",
    "feedback": "Feedback",
    "messages": "Emails sent",
    "payments": "Payments",
    "subscriptions": "Subscriptions that renew each year",
    "home_sensors": "Sensors in your home",
    "rights_requests": "Your requests to correct your data or object to its use",
    "linked_records": "Records in other council systems (single view)",
    "access_log": "Who has seen or changed your record",
}


def _requests(cases: list[Case]) -> list[Item]:
    return [
        {
            "key": f"case:{case.pk}",
            "reference": case.reference,
            "service": case.service.name,
            "status": case.get_status_display(),
            "created_at": case.created_at,
            "closed_at": case.closed_at,
            "address": case.property.single_line if case.property else "",
            "location": case.location_description,
            "answers": json.dumps(case.answers, cls=DjangoJSONEncoder, ensure_ascii=False),
        }
        for case in cases
    ]


def _timeline(cases: list[Case]) -> list[Item]:
    events = CaseEvent.objects.filter(case__in=cases).select_related("case").order_by("at", "pk")
    return [
        {
            "key": f"case_event:{event.pk}",
            "reference": event.case.reference,
            "at": event.at,
            "what": event.get_kind_display(),
            "internal": not event.is_public,
            "text": event.text,
        }
        for event in events
    ]


def _chats(resident: Resident) -> list[Item]:
    mine = Q(resident=resident)
    if resident.user_id:
        mine |= Q(user_id=resident.user_id)
    items = []
    for chat in Conversation.objects.filter(mine).prefetch_related("messages").order_by("pk"):
        for message in sorted(chat.messages.all(), key=lambda m: m.seq):
            items.append(
                {
                    "key": f"chat_message:{message.pk}",
                    "chat": chat.pk,
                    "at": message.at,
                    "from": message.get_sender_display(),
                    "text": message.text,
                }
            )
    return items


def _linked_records(resident: Resident) -> list[Item]:
    records = SourceRecord.objects.filter(person__resident=resident).order_by("source", "pk")
    fields = [f.name for f in SourceRecord._meta.concrete_fields if f.name not in ("id", "person")]
    items = [
        {"key": f"source_record:{r.pk}", **{name: getattr(r, name) for name in fields}}
        for r in records
    ]
    golden = GoldenField.objects.filter(person__resident=resident).order_by("field")
    items += [
        {
            "key": f"golden_field:{g.pk}",
            "source": f"single view (chosen from {g.source})",
            "record_id": g.record_id,
            g.field: g.value,
        }
        for g in golden
    ]
    return items


def _rights_requests(resident: Resident) -> list[Item]:
    return [
        {
            "key": f"rights_request:{r.pk}",
            "reference": r.reference,
            "kind": r.get_kind_display(),
            "received_on": r.received_on,
            "asked_for": r.corrected_value or r.activity,
            "status": r.get_status_display(),
            "reasons": r.decision_reasons,
        }
        for r in RightsRequest.objects.filter(resident=resident).order_by("pk")
    ]


def gather(resident: Resident) -> dict[str, list[Item]]:
    """Every item Borough holds about ``resident``, by section (see ``SECTIONS``)."""
    cases = list(
        Case.objects.filter(resident=resident)
        .select_related("service", "property")
        .order_by("created_at", "pk")
    )
    prop = resident.household.property if resident.household else None
    details = {
        "key": f"resident:{resident.pk}",
        **resident_data(resident),
        "address": prop.single_line if prop else "",
        "account_email": resident.user.email if resident.user else "",
    }
    needs = [
        {
            "key": f"resident_need:{need.pk}",
            "need": need.get_need_display(),
            "note": need.note,
            "basis": need.get_consent_basis_display(),
            "recorded_at": need.consent_recorded_at,
            "withdrawn_at": need.withdrawn_at,
        }
        for need in ResidentNeed.objects.filter(resident=resident).order_by("pk")
    ]
    files = [
        {
            "key": f"upload:{upload.pk}",
            "reference": upload.case.reference if upload.case else "",
            "name": upload.name,
            "content_type": upload.content_type,
            "size": upload.size,
            "path": upload.path,
        }
        for upload in Upload.objects.filter(case__in=cases).select_related("case").order_by("pk")
    ]
    contacts = [
        {
            "key": f"contact:{c.pk}",
            "at": c.started_at,
            "channel": c.get_channel_display(),
            "direction": c.get_direction_display(),
            "reason": c.reason,
            "outcome": c.get_outcome_display(),
        }
        for c in Contact.objects.filter(resident=resident).order_by("started_at", "pk")
    ]
    feedback = [
        {
            "key": f"feedback:{f.pk}",
            "at": f.given_at,
            "answer": f.get_score_display(),
            "comment": f.comment,
        }
        for f in Feedback.objects.filter(case__in=cases).order_by("pk")
    ]
    to_them = Q(case__in=cases) | Q(resident=resident)
    if resident.email:
        to_them |= Q(to__iexact=resident.email)
    messages = [
        {
            "key": f"message:{m.pk}",
            "at": m.created,
            "to": m.to,
            "subject": m.subject,
            "body": m.body,
        }
        for m in Message.objects.filter(to_them).order_by("created", "pk")
    ]
    access = [
        {
            "key": f"audit:{e.pk}",
            "at": e.at,
            "who": e.actor_label,
            "did": e.get_action_display(),
            "what": e.object_name,
            "channel": e.get_channel_display(),
        }
        for e in AuditEvent.objects.filter(resident_id=resident.pk).order_by("at", "pk")
    ]
    return {
        "details": [details],
        "needs": needs,
        "requests": _requests(cases),
        "timeline": _timeline(cases),
        "files": files,
        "chats": _chats(resident),
        "contacts": contacts,
        "feedback": feedback,
        "messages": messages,
        "payments": sar_more.payments(resident, cases),
        "subscriptions": sar_more.subscriptions(resident, cases),
        "home_sensors": sar_more.home_sensors(resident),
        "rights_requests": _rights_requests(resident),
        "linked_records": _linked_records(resident),
        "access_log": access,
    }


def released(gathered: dict[str, list[Item]], withheld: dict[str, str]) -> dict[str, list[Item]]:
    """The gathered items less those withheld, each without its internal key."""
    return {
        section: [
            {k: v for k, v in item.items() if k not in ("key", "path")}
            for item in items
            if item["key"] not in withheld
        ]
        for section, items in gathered.items()
    }


def _csv(items: list[Item]) -> str:
    columns: list[str] = []
    for item in items:
        columns += [k for k in item if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for item in items:
        writer.writerow({k: "" if v is None else v for k, v in item.items()})
    return out.getvalue()


def package(request_pk: int, gathered: dict[str, list[Item]], withheld: dict[str, str]) -> bytes:
    """The zip released to the person: data.json, a CSV per section, the files not withheld,
    the package as a PDF (package.pdf) and index.html to read in a browser."""
    data = released(gathered, withheld)
    sections = [(SECTIONS[s], items) for s, items in data.items()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for section, items in data.items():
            if items:
                archive.writestr(f"{section}.csv", _csv(items))
        for item in gathered["files"]:
            if item["key"] not in withheld and default_storage.exists(item["path"]):
                with default_storage.open(item["path"], "rb") as handle:
                    archive.writestr(f"files/{item['key'][7:]}-{item['name']}", handle.read())
        archive.writestr(
            "index.html",
            render_to_string(
                "governance/sar_package.html", {"sections": sections, "pk": request_pk}
            ),
        )
        archive.writestr("package.pdf", pdf(request_pk, gathered, withheld))
    return buffer.getvalue()


def pdf(request_pk: int, gathered: dict[str, list[Item]], withheld: dict[str, str]) -> bytes:
    """The released package as a PDF alone (also inside the zip)."""
    data = released(gathered, withheld)
    details = data["details"][0] if data["details"] else {}
    name = f"{details.get('first_name', '')} {details.get('last_name', '')}".strip()
    sections = [(SECTIONS[s], items) for s, items in data.items()]
    return package_pdf(request_pk, sections, withheld, name=name or "you")
