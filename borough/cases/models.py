"""Cases (service requests) and their timeline."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models

from borough.catalogue.workflows import DEFAULT_WORKFLOW, WorkflowState
from borough.core.channels import Channel


class Status(models.TextChoices):
    NEW = "new", "Received"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting for information"
    CLOSED = "closed", "Closed"


# Which base status may follow which in the default workflow (services without their own).
# Per-service workflows live in the catalogue (``Service.flow``); ``Case.state`` is the state
# in that workflow and ``Case.status`` the base status it maps to.
TRANSITIONS: dict[str, frozenset[str]] = dict(DEFAULT_WORKFLOW.transitions)
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class Resolution(models.TextChoices):
    FIXED = "fixed", "Done"
    NO_ACTION = "no_action", "No action needed"
    DUPLICATE = "duplicate", "Duplicate of another request"
    REFERRED = "referred", "Passed to another organisation"
    NOT_POSSIBLE = "not_possible", "Could not be done"


class Case(models.Model):
    """One service request, however it arrived. Changed only through the actions of ``cases``
    (``create``, ``workflow``, ``bulk``, ``relations``, ``resident``, ``sla``)."""

    reference = models.CharField(max_length=12, unique=True)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    # The state in the service's workflow; ``status`` is the base status it maps to.
    state = models.CharField(max_length=40, default=Status.NEW)
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    answers = models.JSONField(default=dict)
    # How the resident chose to hear about this request (check answers): "" follows their
    # MyAccount choice (``selectors.case_contact_route``).
    contact_by = models.CharField(
        max_length=8,
        blank=True,
        choices=[("email", "Email"), ("sms", "Text message"), ("letter", "Letter")],
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    property = models.ForeignKey(
        "places.Property", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    street = models.ForeignKey(
        "places.Street", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_description = models.CharField(max_length=500, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assisted_cases",
    )
    due_date = models.DateField()
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set once by cases.sla.sla_check, so each warning is written to the timeline once.
    at_risk_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # The API client (REST or Open311) that sent the request, if one did: only it may update
    # the case through the APIs (issue 16; accounts.policies.api_client_may_update).
    api_client = models.ForeignKey(
        "clients.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Goes up by one with every change, so two people editing at once cannot overwrite
    # each other's work without being told (see cases.errors.CaseChanged).
    version = models.PositiveIntegerField(default=1)
    # Set when the case is closed as a duplicate: always the original, never another duplicate.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # The organisation the request was made for (issue 26): on its record, seen by its members.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Open reports of a service near a point (issue 25, ``cases.public``): a range on
            # latitude within the service's open cases, longitude checked in the index.
            models.Index(
                fields=["service", "latitude", "longitude"],
                name="case_open_nearby",
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
            ),
            models.Index(fields=["team", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["service", "created_at"]),
            models.Index(fields=["assignee", "status"]),
            # The work queue's sorts, within a team and across every team (issue 4).
            models.Index(fields=["team", "due_date", "id"], name="case_queue_team_due"),
            models.Index(fields=["due_date", "id"], name="case_queue_due"),
            models.Index(fields=["team", "created_at", "id"], name="case_queue_team_created"),
            models.Index(fields=["state"], name="case_queue_state"),
            # Open cases are a few per cent of a council's history: small indexes that serve
            # the queue's overdue, at-risk and open views in each sort without sorting.
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="case_queue_open_due",
            ),
            models.Index(
                fields=["-priority", "due_date", "id"],
                condition=models.Q(status__in=["new", "in_progress", "waiting"]),
                name="case_queue_open_priority",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @builtins.property  # the field called `property` hides the built-in here
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @builtins.property
    def current_state(self) -> WorkflowState:
        """The case's state in its service's workflow. A case whose state the workflow no
        longer has (the catalogue changed, or it predates the service's workflow) is read as
        the workflow's first state with the same base status and resolution."""
        flow = self.service.flow
        return flow.state(self.state) or flow.state_for_status(self.status, self.resolution)

    @builtins.property
    def state_label(self) -> str:
        """The state as staff see it ("Crew sent")."""
        return self.current_state.label

    @builtins.property
    def public_state_label(self) -> str:
        """The state as the resident sees it ("A crew is on the way")."""
        return self.current_state.public_label


class CaseEvent(models.Model):
    """One entry on a case's timeline. Every change to a case writes exactly one."""

    class Kind(models.TextChoices):
        CREATED = "created", "Request received"
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        PRIORITY_CHANGED = "priority_changed", "Priority changed"
        NOTE = "note", "Internal note"
        PUBLIC_UPDATE = "public_update", "Update"
        ACKNOWLEDGED = "acknowledged", "Acknowledgement sent"
        EMAIL_SENT = "email_sent", "Update email sent"
        MARKED_DUPLICATE = "marked_duplicate", "Closed as a duplicate"
        DUPLICATE_ATTACHED = "duplicate_attached", "Duplicate attached"
        LINKED = "linked", "Linked to another case"
        UNLINKED = "unlinked", "Link removed"
        TRANSFERRED = "transferred", "Transferred to another team"
        AT_RISK = "at_risk", "At risk of missing its due date"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated", "Escalated to the team lead"
        TIME_RECORDED = "time_recorded", "Time recorded"
        SUPPORTED = "supported", "Another resident reported this too"
        PROCESS_STEP = "process_step", "Process step"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @builtins.property
    def headline(self) -> str:
        """What happened, in words: "Status changed to closed"."""
        if self.data.get("not_fixed") and self.data.get("to_label"):
            return f"The resident said it is not fixed: reopened as {self.data['to_label'].lower()}"
        if self.data.get("from_resident"):
            return "Information from the resident"
        if self.kind == self.Kind.STATUS_CHANGED and self.data.get("to_label"):
            return (
                f"Status changed to {self.data['to_label'][:1].lower()}{self.data['to_label'][1:]}"
            )
        if self.kind == self.Kind.STATUS_CHANGED and self.data.get("to") in Status.values:
            return f"Status changed to {Status(self.data['to']).label.lower()}"
        if self.kind == self.Kind.MARKED_DUPLICATE and self.data.get("original"):
            return f"Closed as a duplicate of {self.data['original']}"
        if self.kind == self.Kind.DUPLICATE_ATTACHED and self.data.get("duplicate"):
            return f"{self.data['duplicate']} was closed as a duplicate of this case"
        if self.kind in (self.Kind.LINKED, self.Kind.UNLINKED) and self.data.get("other"):
            verb = "Linked to" if self.kind == self.Kind.LINKED else "No longer linked to"
            return f"{verb} {self.data['other']}"
        if self.kind == self.Kind.TIME_RECORDED and self.data.get("minutes"):
            minutes = self.data["minutes"]
            letter = " and a letter posted" if self.data.get("letter") else ""
            return f"{minutes} minute{'s' if minutes != 1 else ''} of work recorded{letter}"
        if self.kind == self.Kind.TRANSFERRED and self.data.get("to_team"):
            return f"Transferred from {self.data['from_team']} to {self.data['to_team']}"
        return self.get_kind_display()

    @builtins.property
    def related_reference(self) -> str:
        """The other case this event names, if any (for a link on the timeline)."""
        return self.data.get("original") or self.data.get("duplicate") or self.data.get("other", "")


class CaseLink(models.Model):
    """Two related cases, linked both ways. Stored once, with the lower case id first."""

    first = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_as_first")
    second = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_as_second")
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="caselink_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="caselink_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} <-> {self.second_id}"

    def other(self, case: Case) -> Case:
        return self.second if self.first_id == case.pk else self.first


class ResponseTemplate(models.Model):
    """A team's ready-made wording for a public update, with placeholders such as {reference}.

    Applies to one service of the team or to all of them (``service`` empty), and to cases in
    one status or in any status (``status`` empty). Checked by ``cases.responses`` when saved.
    """

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A base Status today; per-service workflow states can be added to the same field later.
    status = models.CharField(max_length=32, blank=True)
    title = models.CharField(max_length=120)
    body = models.TextField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["team", "title"], name="responsetemplate_unique_title")
        ]

    def __str__(self) -> str:
        return self.title

    def status_label(self) -> str:
        return Status(self.status).label if self.status in Status.values else "Any status"


class Supporter(models.Model):
    """A resident who said "this is my problem too" about an open report instead of making a
    duplicate (``cases.public.case_support``). ``key`` says who, once per case: ``user:<id>`` for
    a signed-in account, ``browser:<hash>`` for a browser session; nothing else about them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supporters")
    key = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="supporter_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.key}"


class Alert(models.Model):
    """Someone following a report, a street or an area (a circle) for updates by email or text
    message (``cases.alerts``). Sent only once confirmed; ended by the one-click unsubscribe link
    or, for texts, by replying STOP."""

    class Kind(models.TextChoices):
        REPORT = "report", "A report"
        STREET = "street", "A street"
        AREA = "area", "An area"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    email = models.EmailField(blank=True)
    # A UK mobile number in E.164 (+447700900982), for alerts by text.
    phone = models.CharField(max_length=16, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    street = models.ForeignKey(
        "places.Street", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    radius_metres = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case"], name="alert_case"),
            models.Index(fields=["street"], name="alert_street"),
            models.Index(fields=["kind", "latitude", "longitude"], name="alert_area"),
            models.Index(fields=["phone"], name="alert_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.pk}"


class MemberEnquiry(models.Model):
    """A councillor's enquiry for a resident (issue 26): a case of the member enquiry service,
    with the resident's consent as recorded and the councillor who follows it."""

    class ConsentMethod(models.TextChoices):
        IN_WRITING = "writing", "In writing (letter or form)"
        EMAIL = "email", "By email"
        IN_PERSON = "in_person", "In person (surgery or visit)"
        PHONE = "phone", "By phone"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="member_enquiry")
    councillor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member_enquiries"
    )
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    consent_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"member enquiry {self.case_id}"
