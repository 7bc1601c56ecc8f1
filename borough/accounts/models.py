"""People who sign in: residents and staff, and the teams and roles of staff."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, kind=User.Kind.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Anyone who signs in. Residents and staff share one model; ``kind`` says which."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", "Resident"
        STAFF = "staff", "Staff"

    username = None  # type: ignore[assignment]  # no username: people sign in by email
    email = models.EmailField("email address", unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RESIDENT)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stub wants auth's UserManager, which needs a username; this one takes an email.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_council_staff(self) -> bool:
        return self.is_active and self.kind == self.Kind.STAFF


class Team(models.Model):
    """A department or team that owns services and works their cases."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member of staff may do in a team (see ``borough.accounts.policies``)."""

    AGENT = "agent", "Customer experience agent"
    OFFICER = "officer", "Officer"
    TEAM_LEAD = "team_lead", "Team lead"
    ADMIN = "admin", "Administrator"
    #: An elected member: raises enquiries for residents and sees their ward's figures, never
    #: the hub (``accounts.councillor_policies``). Held in the ``councillors`` team.
    COUNCILLOR = "councillor", "Councillor"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.team}"


class MfaEnrolmentLink(models.Model):
    """A single-use link an administrator sends a member of staff to set up their authenticator
    app: staff cannot set one up with their password alone (ADR 0009, issue 16). Only the
    SHA-256 of the token is kept; the token is in the emailed link only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    # When the authenticator app was set up through it; it then works no more.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"set-up link for user {self.user_id}"


class Organisation(models.Model):
    """A business, charity or community group with an account several people use (issue 26).

    Requests made for it are on its record (``cases.Case.organisation``); its members have a
    role (``OrganisationRole``). Not the community directory's listing, which may point here
    (``directory.Organisation.account``) so that the account's members propose its changes.
    """

    class Kind(models.TextChoices):
        BUSINESS = "business", "Business"
        CHARITY = "charity", "Charity or community group"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BUSINESS)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationRole(models.TextChoices):
    """Least privilege inside an organisation: owners and admins invite and remove members,
    members make requests and see the organisation's requests."""

    OWNER = "owner", "Owner"
    ADMIN = "admin", "Administrator"
    MEMBER = "member", "Member"


class OrganisationMember(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_members")
    role = models.CharField(max_length=8, choices=OrganisationRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="organisation_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"


class OrganisationInvite(models.Model):
    """An emailed invitation to join an organisation. Only the SHA-256 of the token is kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    role = models.CharField(max_length=8, choices=OrganisationRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation to {self.organisation}"
