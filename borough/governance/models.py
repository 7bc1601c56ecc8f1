"""Information governance: the council's register of information assets, the retention
schedule and its legal holds and runs, and subject access requests (issue 23)."""

from __future__ import annotations

import datetime as dt

from django.db import models


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    CONSENT = "consent", "6(1)(a) Consent"
    CONTRACT = "contract", "6(1)(b) Contract"
    LEGAL_OBLIGATION = "legal_obligation", "6(1)(c) Legal obligation"
    VITAL_INTERESTS = "vital_interests", "6(1)(d) Vital interests"
    PUBLIC_TASK = "public_task", "6(1)(e) Public task"
    LEGITIMATE_INTERESTS = "legitimate_interests", "6(1)(f) Legitimate interests"


class Article9Condition(models.TextChoices):
    """UK GDPR Article 9(2), for special category data."""

    EXPLICIT_CONSENT = "explicit_consent", "9(2)(a) Explicit consent"
    EMPLOYMENT = "employment", "9(2)(b) Employment and social protection"
    VITAL_INTERESTS = "vital_interests", "9(2)(c) Vital interests"
    LEGAL_CLAIMS = "legal_claims", "9(2)(f) Legal claims"
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "substantial_public_interest",
        "9(2)(g) Substantial public interest (DPA 2018 Schedule 1)",
    )
    HEALTH_SOCIAL_CARE = "health_social_care", "9(2)(h) Health or social care"


class DpiaStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed (screened out)"
    NEEDED = "needed", "Needed, not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Completed"
    UNKNOWN = "unknown", "Not yet screened"


class InformationAsset(models.Model):
    """One system or data source the council holds, as the council describes it.

    ``system_key`` ties the entry to a system Borough knows of by itself (an API client, a
    connector, a webhook subscriber, a linkage source: ``governance.register``) so the council's
    details are shown on that system's row; blank for an entry of the council's own.
    """

    name = models.CharField(max_length=150)
    system_key = models.CharField(max_length=150, blank=True)
    owner = models.CharField(max_length=150, help_text="The information asset owner (a role)")
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices)
    special_category = models.BooleanField(default=False)
    article9_condition = models.CharField(
        max_length=32, choices=Article9Condition.choices, blank=True
    )
    data_categories = models.TextField(help_text="Categories of personal data")
    people_categories = models.TextField(help_text="Categories of people the data is about")
    where_held = models.CharField(max_length=300)
    shared_with = models.TextField(blank=True)
    retention = models.CharField(max_length=300)
    security_measures = models.TextField()
    dpia_status = models.CharField(
        max_length=16, choices=DpiaStatus.choices, default=DpiaStatus.UNKNOWN
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["system_key"],
                condition=~models.Q(system_key=""),
                name="information_asset_one_per_system",
            ),
            models.CheckConstraint(
                condition=models.Q(special_category=False) | ~models.Q(article9_condition=""),
                name="information_asset_special_category_needs_article9",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecordKind(models.TextChoices):
    """The kinds of record the retention schedule covers."""

    CLOSED_CASES = "closed_cases", "Closed requests (with their timeline)"
    CHATS = "chats", "Chats with the assistant and live chat"
    UPLOADS = "uploads", "Photos and files on closed requests"
    OUTBOX = "outbox", "Messages sent (the outbox)"
    WEBHOOK_DELIVERIES = "webhook_deliveries", "Webhook deliveries and their bodies"
    LINKAGE_RUNS = "linkage_runs", "Single view imports of earlier linkage runs"
    AUDIT_LOG = "audit_log", "Audit log of who saw or changed personal data"
    SAVED_FORMS = "saved_forms", "Answers of forms saved to finish later"
    SENSOR_READINGS = "sensor_readings", "Readings from sensors in council homes (and roll-ups)"
    CALL_RECORDINGS = "call_recordings", "Call recordings (each line's own period, at most this)"


class RetentionRule(models.Model):
    """How long one kind of record is kept (for closed requests, optionally per service)."""

    class Action(models.TextChoices):
        DELETE = "delete", "Delete"
        ANONYMISE = "anonymise", "Anonymise (keep the row, remove the personal data)"

    kind = models.CharField(max_length=32, choices=RecordKind.choices)
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    keep_days = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=Action.choices, default=Action.DELETE)
    reason = models.CharField(max_length=300, blank=True, help_text="Why this long")

    class Meta:
        ordering = ["kind", "service__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "service"], name="retention_rule_one_per_kind_service"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(service__isnull=True),
                name="retention_rule_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.keep_days} days"


class LegalHold(models.Model):
    """Stops retention for one request or one person until released."""

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=300)
    placed_at = models.DateTimeField()
    placed_by = models.CharField(max_length=200)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, resident__isnull=True)
                    | models.Q(case__isnull=True, resident__isnull=False)
                ),
                name="legal_hold_one_case_or_one_person",
            )
        ]

    def __str__(self) -> str:
        held = f"case {self.case_id}" if self.case_id else f"resident {self.resident_id}"
        return f"hold on {held}"


class RetentionRun(models.Model):
    """One application of the schedule: when, by whom, and how many of each kind went
    (counts only, never what they held)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    actor_label = models.CharField(max_length=200)
    counts = models.JSONField(default=dict)
    spared = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"retention run {self.pk} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def removed(self) -> list[tuple[str, int]]:
        """(kind of record, how many) for each kind that had any, in staff words."""
        return [
            (RecordKind(kind).label if kind in RecordKind.values else kind, n)
            for kind, n in self.counts.items()
            if n
        ]


class SubjectAccessRequest(models.Model):
    """A person's request for a copy of their data, with its one-month clock (Article 12(3))."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received: gathering"
        RELEASED = "released", "Released"
        WITHDRAWN = "withdrawn", "Withdrawn"

    resident = models.ForeignKey(
        "people.Resident", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_name = models.CharField(max_length=200)
    received_on = models.DateField()
    due_on = models.DateField()
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=300, blank=True)
    identity_checked = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    # Items of the package withheld, by key ("case_event:12"), each with the reason.
    withheld = models.JSONField(default=dict, blank=True)
    logged_by = models.CharField(max_length=200)
    logged_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"SAR {self.pk}"

    @property
    def deadline(self):
        return self.extended_to or self.due_on


class ErasureRecord(models.Model):
    """That a person's data was erased (Article 17): who asked for it, when, how many records
    of each kind went, and what an exemption kept. Never the person's name or details."""

    resident_id = models.BigIntegerField()
    erased_at = models.DateTimeField()
    erased_by = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)
    counts = models.JSONField(default=dict)
    exemptions = models.JSONField(default=list)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"erasure of resident {self.resident_id}"


class Breach(models.Model):
    """A suspected personal data breach: what happened, which systems and data, whom it
    affects, and the 72 hours from discovery to tell the ICO (Article 33)."""

    class Risk(models.TextChoices):
        UNLIKELY = "unlikely", "Unlikely to result in a risk to people (record only)"
        RISK = "risk", "A risk to people: tell the ICO within 72 hours"
        HIGH = "high", "A high risk to people: tell the ICO and the people affected"

    title = models.CharField(max_length=200)
    description = models.TextField()
    discovered_at = models.DateTimeField()
    risk = models.CharField(max_length=12, choices=Risk.choices)
    # Register rows (their keys: "api_client:3", "own:7") the breach touched.
    systems = models.JSONField(default=list, blank=True)
    data_categories = models.TextField()
    # Found through the audit log: whose records the account saw in the window.
    affected_resident_ids = models.JSONField(default=list, blank=True)
    affected_found_by = models.CharField(max_length=300, blank=True)
    reported_to_ico_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(max_length=60, blank=True)
    logged_by = models.CharField(max_length=200)
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-discovered_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def ico_deadline(self):
        return self.discovered_at + dt.timedelta(hours=72)


class Dpia(models.Model):
    """A data protection impact assessment of one processing activity (Article 35), linked to
    its register row, with the date it is next reviewed."""

    class Outcome(models.TextChoices):
        DRAFT = "draft", "In draft"
        ACCEPTED = "accepted", "Risks mitigated: processing may go ahead"
        WITH_ACTIONS = "with_actions", "May go ahead once the listed actions are done"
        CONSULT_ICO = "consult_ico", "High risk remains: consult the ICO first (Article 36)"

    activity = models.CharField(max_length=200)
    register_key = models.CharField(max_length=150, blank=True)
    description = models.TextField()
    risks = models.TextField()
    measures = models.TextField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.DRAFT)
    dpo_advice = models.TextField(blank=True)
    review_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["review_on", "activity"]

    def __str__(self) -> str:
        return f"DPIA: {self.activity}"


class RightsRequest(models.Model):
    """A request to rectify (Article 16) or an objection to processing (Article 21), with its
    one-month clock (Article 12(3)), the officer's decision and reasons, and when and how the
    person was told the outcome."""

    class Kind(models.TextChoices):
        RECTIFICATION = "rectification", "Rectification (Article 16)"
        OBJECTION = "objection", "Objection to processing (Article 21)"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received: to decide"
        UPHELD = "upheld", "Upheld"
        REFUSED = "refused", "Refused"

    class Exemption(models.TextChoices):
        ACCURATE = "accurate", "The data is accurate: the person's view is noted on the request"
        UNFOUNDED = "unfounded", "Manifestly unfounded or excessive (Article 12(5))"
        COMPELLING = (
            "compelling_grounds",
            "Compelling legitimate grounds for the public task override the person's interests "
            "(Article 21(1))",
        )
        LEGAL_OBLIGATION = (
            "legal_obligation",
            "The processing is a legal obligation (Article 6(1)(c)): the right to object does "
            "not apply",
        )
        LEGAL_CLAIMS = "legal_claims", "Needed for legal claims (Article 21(1))"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    resident = models.ForeignKey(
        "people.Resident", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_name = models.CharField(max_length=200)
    received_on = models.DateField()
    due_on = models.DateField()
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=300, blank=True)
    # What the person says, in their words (or the officer's note of them).
    grounds = models.TextField()
    # Rectification: which record ("resident" or a single view record id), field, values.
    record = models.CharField(max_length=200, blank=True)
    field = models.CharField(max_length=32, blank=True)
    was = models.TextField(blank=True)
    corrected_value = models.TextField(blank=True)
    # Objection: the processing objected to (``people.ProcessingActivity``).
    activity = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    exemption = models.CharField(max_length=24, choices=Exemption.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    told_how = models.CharField(max_length=300, blank=True)
    logged_by = models.CharField(max_length=200)
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="received")
                | models.Q(status="upheld", exemption="")
                | (models.Q(status="refused") & ~models.Q(exemption="")),
                name="rights_request_refusal_names_its_exemption",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{'RR' if self.kind == self.Kind.RECTIFICATION else 'OB'}-{self.pk}"

    @property
    def deadline(self):
        return self.extended_to or self.due_on
