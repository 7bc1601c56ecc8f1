"""The phone routing plan (numbers, lines, queues) and the calls it answers (issue 21).

One plan instead of a hundred platforms: every number the council publishes is a
``PhoneNumber`` on a ``Line`` (a service, a greeting, opening hours, where out-of-hours calls
go, a queue, whether calls are recorded and for how long). The voice gateway
(``borough.voice``) asks ``telephony.services.route_call`` for each call, reading the plan from
the database, so a change applies to the next call without a restart.

A ``Call`` is one call: its transcript (``CallTurn``), what the assistant noticed (signs), its
place in a ``CallQueue`` (``QueueEntry``), a ``Callback`` the caller booked, a
``CallRecording`` kept only after the caller was told, and at the end the ``Contact`` on the
resident's history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The weekdays of ``Line.opening_hours``, Monday first (``date.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_RECORDING_NOTICE = (
    "This call may be recorded for training and to check what was agreed. "
    "Say 'no recording' or press 9 if you do not want it recorded."
)


class CallQueue(models.Model):
    """Where calls wait for a person: a team's agents take them in the hub."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Line(models.Model):
    """What the council answers on a set of numbers: a service's phone line.

    ``opening_hours`` maps a weekday (``WEEKDAYS``) to a list of ``"HH:MM-HH:MM"`` ranges
    in the council's time zone; a day not in it is closed. Checked by ``telephony.plan``.
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whose calls these are: officers and team leads see their own teams' lines, agents all.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    greeting = models.TextField()
    # {"mon": ["08:00-12:30", "13:30-17:00"], ...}: ``telephony.plan``.
    opening_hours = models.JSONField(default=dict, blank=True)
    closed_on_bank_holidays = models.BooleanField(default=True)
    out_of_hours_message = models.TextField(blank=True)
    out_of_hours_transfer = models.CharField(max_length=200, blank=True)
    queue = models.ForeignKey(
        CallQueue, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    record_calls = models.BooleanField(default=False)
    recording_notice = models.TextField(default=DEFAULT_RECORDING_NOTICE, blank=True)
    recording_retention_days = models.PositiveIntegerField(default=90)
    teams_queue_uri = models.CharField(max_length=200, blank=True)
    # The service a voicemail is raised on (its form takes the message in its text questions);
    # empty: the line's own service.
    voicemail_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PhoneNumber(models.Model):
    """A number residents dial (E.164, ``+441632960000``) and the line that answers it."""

    number = models.CharField(max_length=16, unique=True)
    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="numbers")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class CallPriority(models.IntegerChoices):
    """Queue order, highest first (issue 21 point 5), then the longest wait."""

    NORMAL = 0, "Normal"
    RECORDED_NEEDS = 1, "Needs recorded with consent"
    VULNERABILITY = 2, "Signs of vulnerability"
    URGENT = 3, "Urgent: safeguarding"


class Call(models.Model):
    """One phone call through the voice gateway. ``caller`` is personal data."""

    class ChannelKind(models.TextChoices):
        SIP = "sip", "SIP"
        WEBSOCKET = "websocket", "Media stream (WebSocket)"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved by the assistant"
        TRANSFERRED = "transferred", "Transferred"
        ABANDONED = "abandoned", "Caller hung up"
        VOICEMAIL = "voicemail", "Voicemail left"
        CALLBACK = "callback", "Callback booked"

    line = models.ForeignKey(
        Line, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    dialled = models.CharField(max_length=20)
    caller = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=10, choices=ChannelKind.choices)
    open_at_start = models.BooleanField(default=True)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    conversation = models.ForeignKey(
        "assistant.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    signs = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(
        choices=CallPriority.choices, default=CallPriority.NORMAL
    )
    recording_notice_played_at = models.DateTimeField(null=True, blank=True)
    # The agent who took it in the hub, and where the gateway sends it (their SIP address or
    # the line's Teams queue), set together by ``call_take``.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transfer_to = models.CharField(max_length=200, blank=True)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["line", "started_at"])]

    def __str__(self) -> str:
        return f"Call {self.pk}"


class CallTurn(models.Model):
    """One thing said (or keyed) in a call: the transcript."""

    class Speaker(models.TextChoices):
        CALLER = "caller", "Caller"
        ASSISTANT = "assistant", "Assistant"
        AGENT = "agent", "Agent"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="turns")
    at = models.DateTimeField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField(blank=True)
    dtmf = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_speaker_display()} at {self.at:%H:%M:%S}"


class QueueEntry(models.Model):
    """A call waiting for a person, from the moment the caller asked until it was taken or
    the caller left. The queue orders waiting entries by ``priority`` then ``entered_at``."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="queue_entry")
    queue = models.ForeignKey(
        CallQueue, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    reason = models.CharField(max_length=200, blank=True)
    priority = models.PositiveSmallIntegerField(
        choices=CallPriority.choices, default=CallPriority.NORMAL
    )
    entered_at = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["taken_at", "left_at", "priority", "entered_at"])]

    def __str__(self) -> str:
        return f"Call {self.call_id} in the queue"

    @property
    def waiting(self) -> bool:
        return self.taken_at is None and self.left_at is None


class Callback(models.Model):
    """A call back the caller chose instead of waiting. ``number`` is personal data."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="callbacks")
    due_at = models.DateTimeField(db_index=True)
    number = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Callback for call {self.call_id}"


class CallRecording(models.Model):
    """The audio of a call on a line that records, kept until ``delete_after`` (the line's
    retention period from the end of the call) and then deleted with its file."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="recording")
    audio = models.FileField(upload_to="call-recordings/%Y/%m/")
    stored_at = models.DateTimeField()
    delete_after = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Recording of call {self.call_id}"


class AgentPhone(models.Model):
    """A member of staff's phone for warm transfers: the SIP address the gateway bridges a
    call they take to (their desk phone or softphone). Without one, calls they take go to the
    line's Teams queue."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_phone"
    )
    sip_address = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.sip_address
