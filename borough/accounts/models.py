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
