"""Digital inclusion (issue 26): devices the council lends, who was nominated for one and why,
the officer's decision, the waiting list's priority, loans with their agreement, the secure
wipe before a device goes out again, the three-month survey, and digital skills sessions.

Holds personal data (a resident's nomination, reason and survey answers): every staff view and
change is audited (``services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from borough.core.models import TimeStampedModel


class DeviceKind(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    TABLET = "tablet", _("Tablet")
    SIM = "sim", _("Data SIM card")


class Device(TimeStampedModel):
    """One device in the council's stock. ``status`` says where it is; a device that came back
    is ``awaiting_wipe`` until a wipe is recorded, and only ``available`` devices are lent."""

    class Condition(models.TextChoices):
        NEW = "new", "New"
        GOOD = "good", "Good"
        FAIR = "fair", "Fair (marks, works)"
        DAMAGED = "damaged", "Damaged"

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        ALLOCATED = "allocated", "Offered to a resident"
        ON_LOAN = "on_loan", "On loan"
        AWAITING_WIPE = "awaiting_wipe", "Back, waiting for a secure wipe"
        LOST = "lost", "Lost"
        WRITTEN_OFF = "written_off", "Damaged beyond repair"

    kind = models.CharField(max_length=8, choices=DeviceKind.choices)
    serial_number = models.CharField(max_length=64, unique=True)
    model_name = models.CharField(max_length=120, help_text="Make and model, e.g. Lenovo 100e")
    condition = models.CharField(max_length=8, choices=Condition.choices, default=Condition.GOOD)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "serial_number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial_number}"


class DeviceWipe(models.Model):
    """A secure wipe of a device that came back: who did it, when and how."""

    class Method(models.TextChoices):
        FACTORY_RESET = "factory_reset", "Factory reset with encryption on (NIST 800-88 clear)"
        CRYPTO_ERASE = "crypto_erase", "Cryptographic erase (NIST 800-88 purge)"
        REIMAGE = "reimage", "Disk overwritten and reimaged"
        SIM_RESET = "sim_reset", "SIM reset by the network, number recycled"

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="wipes")
    wiped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    wiped_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=Method.choices)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-wiped_at"]

    def __str__(self) -> str:
        return f"wipe of {self.device} on {self.wiped_at:%Y-%m-%d}"


class PartnerQuerySet(models.QuerySet):
    def for_member(self, user) -> PartnerQuerySet:
        """The partners ``user`` nominates for: listed in ``members``, or a member of the
        partner's organisation account."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            models.Q(members=user) | models.Q(organisation__members__user=user)
        ).distinct()


class Partner(models.Model):
    """A library, charity or community centre that may nominate residents. Those who nominate
    for it through the portal's partner pages, seeing only its nominations, are the members of
    its ``organisation`` account (ADR 0045: the organisation manages its own people) and, for
    partners set up before organisations had accounts, the accounts in ``members``."""

    class Kind(models.TextChoices):
        LIBRARY = "library", "Library"
        CHARITY = "charity", "Charity"
        COMMUNITY_CENTRE = "community_centre", "Community centre"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.OneToOneField(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inclusion_partner",
        help_text="The organisation's account: its members nominate for this partner, and its "
        "name is the partner's",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inclusion_partners",
        help_text="Accounts that nominate for this partner besides its organisation's members",
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EligibilityRule(models.Model):
    """A reason the council gives priority for ("no internet at home", "looking for work"),
    with its points. Set by the council in the admin; a nomination ticks the ones that apply,
    and its priority is the sum of their points (ADR 0046)."""

    code = models.SlugField(unique=True)
    label = models.CharField(max_length=160, help_text="As partners and officers read it")
    points = models.PositiveSmallIntegerField(help_text="Priority points; more comes first")
    # A rule that must be met for a device at all ("lives in the borough").
    required = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class Nomination(TimeStampedModel):
    """A resident put forward for a device by staff or a partner, with their consent."""

    class Status(models.TextChoices):
        DECISION = "decision", _("Waiting for a decision")
        WAITING = "waiting", _("Approved, on the waiting list")
        OFFERED = "offered", _("Device offered")
        LENT = "lent", _("Device lent")
        DECLINED = "declined", _("Not approved")
        CLOSED = "closed", _("Closed")

    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="inclusion_nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    kind_wanted = models.CharField(max_length=8, choices=DeviceKind.choices)
    reason = models.TextField()
    rules_met = models.ManyToManyField(EligibilityRule, blank=True, related_name="+")
    consent_given = models.BooleanField()
    consent_recorded_at = models.DateTimeField()
    # Worked out from the rules met when nominated and when decided; its reasons kept with it.
    priority = models.PositiveSmallIntegerField(default=0)
    priority_reasons = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DECISION)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-priority", "created_at"]
        constraints = [
            # No nomination without the resident's consent (ADR 0046).
            models.CheckConstraint(
                condition=Q(consent_given=True), name="inclusion_nomination_needs_consent"
            ),
        ]

    def __str__(self) -> str:
        return f"nomination {self.pk}"


class Loan(TimeStampedModel):
    """A device offered and lent to a nominated resident, from offer to return."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Waiting for you to accept the agreement")
        ACCEPTED = "accepted", _("Agreement accepted, waiting for handover")
        OUT = "out", _("With you")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Reported lost")
        DAMAGED = "damaged", _("Returned damaged")

    class Handover(models.TextChoices):
        COLLECT = "collect", _("Collect it from a library")
        DELIVER = "deliver", _("Have it delivered to your home")

    OPEN = (Status.OFFERED, Status.ACCEPTED, Status.OUT)

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="loan")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="loans")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="inclusion_loans"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_back = models.DateField()
    session_credits = models.PositiveSmallIntegerField(default=2)
    agreement_version = models.CharField(max_length=16, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # True when an agent accepted it for the resident, who agreed on the phone.
    accepted_on_behalf = models.BooleanField(default=False)
    handover = models.CharField(max_length=8, choices=Handover.choices, blank=True)
    handover_on = models.DateField(null=True, blank=True)
    handover_place = models.CharField(max_length=200, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open loan per device at a time.
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status__in=["offered", "accepted", "out"]),
                name="inclusion_one_open_loan_per_device",
            ),
        ]

    def __str__(self) -> str:
        return f"loan {self.pk}"


class CanDo(models.TextChoices):
    """What a resident can now do online (the survey's question)."""

    EMAIL = "email", _("Send and read emails")
    VIDEO_CALLS = "video_calls", _("Make video calls to family and friends")
    BANKING = "banking", _("Bank online")
    JOB_SEARCH = "job_search", _("Look and apply for jobs or training")
    COUNCIL = "council_services", _("Use council services online")
    HEALTH = "health", _("Book GP appointments or use the NHS App")
    SHOPPING = "shopping", _("Shop and pay bills online")
    LEARNING = "learning", _("Learn something new online")


class Survey(models.Model):
    """The follow-up three months after handover: what the resident can now do online."""

    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="survey")
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    can_do = models.JSONField(default=list)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"survey of loan {self.loan_id}"


class SkillsSession(models.Model):
    """A digital skills session at a library or community centre."""

    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    venue = models.CharField(max_length=200)
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.title}, {self.venue}"


class Booking(TimeStampedModel):
    """A resident's place at a session, booked online, by an agent on the phone or by a
    partner; ``loan`` when it used one of the loan's session credits."""

    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PHONE = "phone", "By phone (agent)"
        PARTNER = "partner", "By a partner"

    session = models.ForeignKey(SkillsSession, on_delete=models.CASCADE, related_name="bookings")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, related_name="inclusion_bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    loan = models.ForeignKey(
        Loan, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "resident"],
                condition=Q(cancelled_at__isnull=True),
                name="inclusion_one_booking_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk}"
