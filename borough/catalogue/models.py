"""The service catalogue: LGSL services, categories and each online service's definition."""

from __future__ import annotations

from functools import cached_property

from django.db import models

from .definitions import DEFAULT_WORKFLOW, ServiceForm, Workflow, parse_form, parse_workflow


class LgslService(models.Model):
    """An entry of the Local Government Services List (source: LG Inform Plus, OGL v3.0)."""

    identifier = models.PositiveIntegerField(primary_key=True)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["label"]
        verbose_name = "LGSL service"

    def __str__(self) -> str:
        return f"{self.label} (LGSL {self.identifier})"


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """An online service: what residents can ask for, who owns it and what it asks."""

    slug = models.SlugField(unique=True)
    lgsl = models.ForeignKey(LgslService, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    description = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="services")
    sla_working_days = models.PositiveSmallIntegerField()
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    fee_description = models.CharField(max_length=200, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    what_happens_next = models.TextField()
    questions = models.JSONField(
        help_text="The form definition: see docs/how-to/service-definitions.md"
    )
    workflow = models.JSONField(
        default=dict,
        blank=True,
        help_text="The service's workflow (states and transitions); empty for the default",
    )
    is_online = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def form(self) -> ServiceForm:
        return parse_form(self.questions)

    @cached_property
    def flow(self) -> Workflow:
        """The workflow this service's cases follow (the default one unless it declares one)."""
        return parse_workflow(self.workflow) if self.workflow else DEFAULT_WORKFLOW

    @property
    def has_fee(self) -> bool:
        return self.fee_pence is not None

    @property
    def fee_display(self) -> str:
        if self.fee_pence is None:
            return "Free"
        return f"£{self.fee_pence / 100:,.2f}".replace(".00", "")

    def paragraphs(self, field: str = "description") -> list[str]:
        text = getattr(self, field)
        return [part.strip() for part in text.split("\n\n") if part.strip()]
