"""Factories for test data: each test shows what it needs."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from borough.accounts.models import Membership, Role, User
from borough.people.models import Resident

PASSWORD = "correct-horse-battery-staple"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@council.example")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    kind = User.Kind.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def membership(self, create, extracted, team=None, role=Role.OFFICER, **kwargs):
        if create and team is not None:
            Membership.objects.create(user=self, team=team, role=role)
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ResidentUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"resident{n}@example.com")
    kind = User.Kind.RESIDENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, verified=True, **kwargs):
        """``ResidentUserFactory(saved__verified=False)``: a resident yet to confirm their email."""
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, verified=verified, primary=True
            )


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Resident{n}")
    email = factory.LazyAttribute(lambda o: f"{o.first_name}.{o.last_name}@example.com".lower())
