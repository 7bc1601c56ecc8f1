"""Cases (service requests) and their timeline."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models

from borough.catalogue.definitions import DEFAULT_WORKFLOW, WorkflowState
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
    """One service request, however it arrived. Changed only through ``cases.services``."""

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
    # Set once by cases.services.sla_check, so each warning is written to the timeline once.
    at_risk_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Goes up by one with every change, so two people editing at once cannot overwrite
    # each other's work without being told (see cases.services.CaseChanged).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["team", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["service", "created_at"]),
            models.Index(fields=["assignee", "status"]),
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
        AT_RISK = "at_risk", "At risk of missing its due date"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated", "Escalated to the team lead"

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
        if self.kind == self.Kind.STATUS_CHANGED and self.data.get("to_label"):
            return (
                f"Status changed to {self.data['to_label'][:1].lower()}{self.data['to_label'][1:]}"
            )
        if self.kind == self.Kind.STATUS_CHANGED and self.data.get("to") in Status.values:
            return f"Status changed to {Status(self.data['to']).label.lower()}"
        return self.get_kind_display()
