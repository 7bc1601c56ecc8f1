"""The service catalogue: LGSL services, categories and each online service's definition."""

from __future__ import annotations

import secrets
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .definitions import ServiceForm, parse_form, translate_questions
from .fees import FeeRule, pounds
from .workflows import DEFAULT_WORKFLOW, Workflow, parse_workflow


def _active_translation(translations: dict) -> tuple[str, dict]:
    """The translation of a catalogue entry into the active language, if it has one.

    English is the catalogue's own language, so it (and any language without a translation)
    gets ``{}``: callers fall back to the English fields.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not translations or language == settings.LANGUAGE_CODE:
        return language, {}
    found = translations.get(language) or translations.get(language.split("-")[0]) or {}
    return language, found


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
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text="Name and description in other languages: {language: {name, description}}",
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        """The name in the resident's language (English when it has no translation)."""
        return _active_translation(self.translations)[1].get("name") or self.name

    @property
    def local_description(self) -> str:
        return _active_translation(self.translations)[1].get("description") or self.description


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
    # How the amount is worked out from the answers (``catalogue.fees.FeeRule``); empty when free.
    fee_rule = models.JSONField(default=dict, blank=True)
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
    # Its requests say something about a person (a discount, a move, a need for help): never
    # listed without a key (Open311 feeds), whatever they hold. The catalogue file's
    # ``private``; on unless said otherwise for services located at a home address.
    is_private = models.BooleanField(default=True)
    not_fixed_online = models.BooleanField(
        default=True,
        help_text="Residents may say a closed request is not fixed (reports of a problem; not "
        "applications, subscriptions or bookings)",
    )
    #: Who it is for (the catalogue file's ``audience``): residents, organisations (check
    #: answers asks which of the person's organisations), councillors or phone messages (voicemails
    #: raised by the voice gateway; neither is ever online).
    audience = models.CharField(
        max_length=16,
        default="residents",
        choices=[
            ("residents", "Residents"),
            ("organisations", "Organisations"),
            ("councillors", "Councillors"),
            ("phone", "Phone messages"),
        ],
    )
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text="The service's text in other languages, from catalogue/data/translations/",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def _forms(self) -> dict[str, ServiceForm]:
        return {}

    @property
    def form(self) -> ServiceForm:
        """The form definition, its words in the active language (English where untranslated).

        Only the words change: question ids, option values and routes are the same in every
        language, so answers are stored the same whatever language the resident used.
        """
        language, found = _active_translation(self.translations)
        if language not in self._forms:
            questions = found.get("questions")
            self._forms[language] = parse_form(
                translate_questions(self.questions, questions) if questions else self.questions
            )
        return self._forms[language]

    def _local(self, field: str) -> str:
        return _active_translation(self.translations)[1].get(field) or getattr(self, field)

    @property
    def local_name(self) -> str:
        """The name in the resident's language (English when it has no translation)."""
        return self._local("name")

    @property
    def untranslated_lang(self) -> str:
        """``en-GB`` when the page is in another language but this service's text is not
        translated into it, for a ``lang`` attribute on that text (WCAG 3.1.2); else empty."""
        language, found = _active_translation(self.translations)
        return "" if language == settings.LANGUAGE_CODE or found else "en-GB"

    @property
    def local_summary(self) -> str:
        return self._local("summary")

    @property
    def local_fee_description(self) -> str:
        return self._local("fee_description")

    @property
    def local_keywords(self) -> list[str]:
        """Words residents search with: the English ones and those of the active language."""
        extra = _active_translation(self.translations)[1].get("keywords") or []
        return [*self.keywords, *extra]

    @cached_property
    def flow(self) -> Workflow:
        """The workflow this service's cases follow (the default one unless it declares one)."""
        return parse_workflow(self.workflow) if self.workflow else DEFAULT_WORKFLOW

    @property
    def has_fee(self) -> bool:
        return self.fee_pence is not None

    @property
    def fee(self) -> FeeRule | None:
        """The fee rule, or None for a free service."""
        return FeeRule.from_data(self.fee_rule) if self.fee_rule else None

    def fee_for(self, answers: dict) -> int:
        """What these answers cost, in pence (0 for a free service); ``FeeRefused`` if the
        amount is one GOV.UK Pay cannot take."""
        rule = self.fee
        return rule.amount_for(answers) if rule else 0

    @property
    def fee_display(self) -> str:
        if self.fee_pence is None:
            return _("Free")
        return pounds(self.fee_pence)

    def paragraphs(self, field: str = "description") -> list[str]:
        text = self._local(field)
        return [part.strip() for part in text.split("\n\n") if part.strip()]


def _upload_id() -> str:
    return secrets.token_hex(16)


class Upload(models.Model):
    """A file Borough checked and kept (issue 16): the only way a file enters a case.

    Everything here is decided by Borough, never by whoever sent the file: the random ``id``
    a client answers a file question with, the ``path`` it is stored under, its real
    ``content_type`` (read from its bytes) and a safe ``name``. ``case`` and ``answer`` say
    which case keeps it once used (the question id, or ``update:<event id>`` for a file added
    to a request later); an upload no case keeps is deleted after a day (or when the saved form
    holding it, ``held_until``, expires).
    """

    class Uploader(models.TextChoices):
        RESIDENT = "resident", "Resident"
        STAFF = "staff", "Staff"
        API_CLIENT = "api_client", "API client"

    id = models.CharField(primary_key=True, max_length=32, default=_upload_id, editable=False)
    path = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploader = models.CharField(max_length=16, choices=Uploader.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_client = models.ForeignKey(
        "clients.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Once used: the case that keeps the file (null again if that case is deleted).
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    answer = models.CharField(max_length=60, blank=True)
    attached_at = models.DateTimeField(null=True, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["attached_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.content_type}, {self.size} bytes)"

    def as_answer(self) -> dict:
        """The answer to a file question that names this upload, as a case stores it."""
        return {
            "upload": self.id,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
        }
