"""Erasure (UK GDPR Article 17) with the exemptions a council relies on (issue 23, point 4).

``erasure_apply`` removes a resident's personal data from every table Borough owns, in one
transaction, and keeps an ``ErasureRecord`` of counts and exemptions (never the data). What
the council must keep is kept without the person: their requests stay (public task: the work
done, the KPI counts) with the resident, their personal answers, their files and their name in
the timeline removed; contacts stay without the resident. What is kept *with* personal data is
listed in ``EXEMPTIONS``, by table, with the reason; a person under a legal hold is refused.
"""

from __future__ import annotations

import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from borough.accounts.governance_policies import may_govern_information
from borough.accounts.models import User
from borough.assistant.models import Conversation
from borough.cases.errors import NotAllowed
from borough.cases.models import Alert, Case, CaseEvent, Supporter
from borough.catalogue.models import Upload
from borough.contacts.models import Contact, FormSession
from borough.core.actors import Actor
from borough.core.models import AuditEvent
from borough.core.services import actor_label, audit_record
from borough.notify.models import Message, ReceivedText
from borough.payments.models import Agreement, AgreementState, Payment
from borough.people.models import Resident
from borough.singleview.models import BOROUGH_RESIDENTS_SOURCE, SourceCorrection
from borough.singleview.objections import linking_stop

from .models import ErasureRecord, LegalHold
from .retention import _delete_uploads
from .services import Invalid

#: Tables that may still hold the person's details after erasure, with the exemption.
EXEMPTIONS = {
    "singleview_linkedperson": "Single view: copies of other council systems' records "
    "(council tax, housing, electoral register...), kept while those systems must hold them "
    "(their legal obligations); replaced at the next linkage import, and erased there at source",
    "singleview_sourcerecord": "Single view: the same, record by record",
    "singleview_goldenfield": "Single view: the same, the golden record's fields",
    "singleview_sourcecorrection": "Single view: corrections the person asked for to other "
    "council systems' records, kept until those systems hold them (the same obligations)",
    "governance_subjectaccessrequest": "Subject access request log: the requester's name, "
    "kept to show the request was answered (accountability, Article 5(2))",
    "payments_payment": "Payments: the amount, date, reference, service and GOV.UK Pay's id, "
    "kept for the council's accounts (a legal obligation: financial records are kept six years), "
    "without the person's name, email address or answers",
    "payments_agreement": "Subscriptions that renewed: the same, for the council's accounts",
    "governance_rightsrequest": "Rectification and objection log: the requester's name, what "
    "they asked and the decision, kept to show the request was answered (Article 5(2))",
}

#: Answer types that are the person's own details, removed from requests that are kept.
PERSONAL_ANSWER_TYPES = {"name", "email", "phone"}
ERASED = "[erased]"


def _holds_for(resident: Resident) -> bool:
    active = LegalHold.objects.filter(released_at__isnull=True)
    return active.filter(Q(resident=resident) | Q(case__resident=resident)).exists()


def _theirs(model, resident: Resident, cases: list[Case] | None = None):
    """A payment app's rows that are the person's: by record, account, email or request."""
    mine = Q(resident=resident) | Q(case__in=cases or [])
    if resident.user_id:
        mine |= Q(user_id=resident.user_id)
    if resident.email:
        mine |= Q(email__iexact=resident.email)
    return model.objects.filter(mine)


def _scrub_cases(cases: list[Case], words: list[str]) -> int:
    for case in cases:
        personal = {q.id for q in case.service.form.questions if q.type in PERSONAL_ANSWER_TYPES}
        answers = {k: v for k, v in case.answers.items() if k not in personal}
        Case.objects.filter(pk=case.pk).update(resident=None, answers=answers)
    for event in CaseEvent.objects.filter(case__in=cases).exclude(text=""):
        text = event.text
        for word in words:
            text = text.replace(word, ERASED)
        if text != event.text:
            CaseEvent.objects.filter(pk=event.pk).update(text=text)
    return len(cases)


def erasure_apply(*, actor: Actor, resident: Resident, reason: str) -> ErasureRecord:
    """Erase ``resident``'s personal data; refused (``Invalid``) under a legal hold or without
    a reason. Returns the record of what went and what an exemption kept."""
    if not may_govern_information(actor):
        raise NotAllowed("Only information governance staff may erase a person's data")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "Enter why the data is erased (for example: the person asked)"})
    if _holds_for(resident):
        raise Invalid({"reason": "A legal hold keeps this person's records: release it first"})
    if _theirs(Agreement, resident).filter(state=AgreementState.ACTIVE).exists():
        raise Invalid(
            {
                "reason": "This person has a subscription that renews each year: cancel it "
                "first (their MyAccount, or GOV.UK Pay), so no payment is taken after erasure"
            }
        )
    words = sorted(
        {w for w in (resident.full_name, resident.first_name, resident.last_name) if len(w) > 1},
        key=len,
        reverse=True,
    )
    email, user = resident.email, resident.user
    counts: dict[str, int] = {}
    with transaction.atomic():
        cases = list(Case.objects.filter(resident=resident).select_related("service"))
        counts["files"] = _delete_uploads(Upload.objects.filter(case__in=cases))
        counts["requests_kept_without_the_person"] = _scrub_cases(cases, words)
        chats = Q(resident=resident) | (Q(user=user) if user else Q(pk__in=[]))
        counts["chats"] = Conversation.objects.filter(chats).delete()[0]
        to_them = (
            Q(case__in=cases)
            | Q(resident=resident)
            | (Q(to__iexact=email) if email else Q(pk__in=[]))
        )
        counts["emails"] = Message.objects.filter(to_them).delete()[0]
        # Alerts for reports (issue 25) to their address or account, and their support of reports.
        followed = (Q(email__iexact=email) if email else Q(pk__in=[])) | (
            Q(user=user) if user else Q(pk__in=[])
        )
        # Text alerts to their mobile (kept in E.164: +44 and the last ten digits).
        mobile = re.sub(r"\D", "", resident.phone or "")[-10:]
        if len(mobile) == 10 and mobile.startswith("7"):
            followed |= Q(phone=f"+44{mobile}")
        counts["alerts"] = Alert.objects.filter(followed).delete()[0]
        if user is not None:
            Supporter.objects.filter(user=user).delete()
        # Payments stay for the accounts (an exemption), without who made them.
        counts["payments_kept_without_the_person"] = _theirs(Payment, resident, cases).update(
            email="", answers={}, resident=None, user=None
        )
        _theirs(Agreement, resident, cases).update(email="", resident=None, user=None)
        counts["texts_received"] = ReceivedText.objects.filter(
            Q(resident=resident) | Q(case__in=cases)
        ).delete()[0]
        counts["contacts_kept_without_the_person"] = Contact.objects.filter(
            resident=resident
        ).update(resident=None)
        # Borough's own copy in the single view, and the golden fields chosen from it.
        counts["linked_records"] = linking_stop(resident.pk)
        SourceCorrection.objects.filter(
            source=BOROUGH_RESIDENTS_SOURCE, source_id=str(resident.pk)
        ).delete()
        if user is not None:
            FormSession.objects.filter(user=user).update(
                saved_answers={}, saved_postcodes={}, saved_at=None
            )
            counts["audit_rows_renamed"] = AuditEvent.objects.filter(actor=user).update(
                actor_label=f"user {user.pk} (erased)"
            )
        if email:
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.filter(username__iexact=email).delete()
        counts["needs"] = resident.needs.count()
        resident_id = resident.pk
        resident.delete()
        if user is not None and not user.is_council_staff:
            User.objects.filter(pk=user.pk).delete()
            counts["account"] = 1
        record = ErasureRecord.objects.create(
            resident_id=resident_id,
            erased_at=timezone.now(),
            erased_by=actor_label(actor),
            reason=reason[:300],
            counts=counts,
            exemptions=[f"{table}: {why}" for table, why in EXEMPTIONS.items()],
        )
        audit_record(
            actor=actor,
            action="deleted",
            object_type="resident",
            object_id=resident_id,
            resident_id=resident_id,
            summary="resident erased (right to erasure)",
        )
    return record
