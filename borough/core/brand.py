"""The council's brand as every page shows it, set by administrators in the hub (issue 25).

``brand_current()`` is what the pages read: the newest ``BrandVersion``, or the environment's
values (``BOROUGH_COUNCIL_NAME``, ``BOROUGH_BRAND_COLOUR``...) while none was saved. It is kept in
the shared cache (Redis in production, the cache folder on one machine), so every worker process
reads the same brand; ``brand_save`` writes a new version and replaces the cached one, so a change
applies on the next page of every worker without a restart. The cached value carries the
version's id, which is in the logo's and the stylesheet's addresses, so browsers fetch the new
ones at once.

``brand_save`` checks everything before it writes: the colour's contrast with the header's white
text (WCAG 2.2 AA, 4.5:1), the footer links, the email address and the logo (PNG or JPEG, opened
and re-encoded by Pillow so nothing but pixels is kept, at most ``LOGO_MAX_BYTES``). Each save is
a new row (the history: who, when, which fields) and an audit event.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .actors import StaffActor
from .branding import AA_NORMAL_TEXT, brand_colour_problem, contrast_ratio, footer_links
from .models import AuditEvent, BrandVersion
from .services import _acting_user, actor_label, audit_record

log = logging.getLogger(__name__)

CACHE_KEY = "core.brand.v1"
CACHE_SECONDS = 3600  # a lost invalidation heals within the hour
LOGO_MAX_BYTES = 200 * 1024
LOGO_MAX_PIXELS = (1200, 400)
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
FIELDS = (
    "council_name",
    "brand_colour",
    "logo",
    "footer_links",
    "contact_phone",
    "contact_email",
    "contact_address",
    "site_banner",
)
FIELD_NAMES = {
    "council_name": "Organisation name",
    "brand_colour": "Brand colour",
    "logo": "Logo",
    "footer_links": "Footer links",
    "contact_phone": "Telephone",
    "contact_email": "Email address",
    "contact_address": "Address",
    "site_banner": "Site-wide banner",
}


@dataclass(frozen=True)
class Brand:
    """What the pages show. ``version`` is 0 for the environment's values."""

    version: int
    council_name: str
    brand_colour: str
    logo_url: str
    footer_links: list[tuple[str, str]] = field(default_factory=list)
    contact_phone: str = ""
    contact_email: str = ""
    contact_address: str = ""
    site_banner: str = ""


class BrandInvalid(Exception):
    """The brand was not saved; ``errors`` maps each field at fault to what to do."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def brand_from_environment() -> Brand:
    return Brand(
        version=0,
        council_name=settings.COUNCIL_NAME,
        brand_colour=settings.BOROUGH_BRAND_COLOUR,
        logo_url=settings.BOROUGH_LOGO_URL,
        footer_links=list(settings.BOROUGH_FOOTER_LINKS),
        contact_phone=settings.BOROUGH_CONTACT_PHONE,
        contact_email=settings.BOROUGH_CONTACT_EMAIL,
        contact_address=settings.BOROUGH_CONTACT_ADDRESS,
        site_banner=settings.BOROUGH_SITE_BANNER,
    )


def _logo_version_id(version: BrandVersion) -> int | None:
    if version.logo_type:
        return version.pk
    return version.logo_from_id


def _brand_of(version: BrandVersion) -> Brand:
    logo_id = _logo_version_id(version)
    return Brand(
        version=version.pk,
        council_name=version.council_name,
        brand_colour=version.brand_colour,
        # Without an uploaded logo, the environment's (if any) stays.
        logo_url=f"/brand/logo/{logo_id}/" if logo_id else settings.BOROUGH_LOGO_URL,
        footer_links=[(label, url) for label, url in version.footer_links],
        contact_phone=version.contact_phone,
        contact_email=version.contact_email,
        contact_address=version.contact_address,
        site_banner=version.site_banner,
    )


def _newest() -> BrandVersion | None:
    return BrandVersion.objects.defer("logo").order_by("-pk").first()


def brand_current() -> Brand:
    """The brand every page shows now (one cache read; the database only after a change or on
    a cold cache)."""
    cached = cache.get(CACHE_KEY)
    if isinstance(cached, Brand):
        return cached
    try:
        newest = _newest()
    except Exception:  # noqa: BLE001
        # Every page shows the brand, the "database unavailable" error page too: without the
        # database the environment's brand is shown (and not cached), never an error.
        log.warning("brand not read from the database; the environment's is shown")
        return brand_from_environment()
    brand = _brand_of(newest) if newest is not None else brand_from_environment()
    cache.set(CACHE_KEY, brand, CACHE_SECONDS)
    return brand


def logo_get(version_id: int) -> tuple[bytes, str] | None:
    """A saved logo's bytes and content type."""
    row = BrandVersion.objects.filter(pk=version_id).exclude(logo_type="").first()
    if row is None or row.logo is None:
        return None
    return bytes(row.logo), row.logo_type


def logo_checked(upload: Any) -> tuple[bytes, str]:
    """An uploaded logo, checked and re-encoded, as (bytes, content type). Raises
    ``BrandInvalid`` saying what is wrong with it."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415  (only when a logo is uploaded)

    if upload.size > LOGO_MAX_BYTES:
        raise BrandInvalid({"logo": "The logo must be smaller than 200 KB"})
    data = upload.read(LOGO_MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if kind not in LOGO_TYPES:
                raise BrandInvalid({"logo": "The logo must be a PNG or JPEG"})
            width, height = image.size
            if width > LOGO_MAX_PIXELS[0] or height > LOGO_MAX_PIXELS[1]:
                raise BrandInvalid(
                    {"logo": "The logo must be at most 1200 pixels wide and 400 pixels high"}
                )
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format="PNG", optimize=True)
    except BrandInvalid:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise BrandInvalid({"logo": "The logo must be a PNG or JPEG"}) from None
    if out.tell() > LOGO_MAX_BYTES:
        raise BrandInvalid({"logo": "The logo must be smaller than 200 KB"})
    return out.getvalue(), LOGO_TYPES[kind]


def _footer_links_from(text: str) -> list[tuple[str, str]]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    try:
        links = footer_links(lines)
    except ValueError:
        raise BrandInvalid(
            {
                "footer_links": "Write each footer link on its own line as Label=https://address, "
                "like Council tax=https://www.example.gov.uk/council-tax"
            }
        ) from None
    if len(links) > 10:
        raise BrandInvalid({"footer_links": "Add at most 10 footer links"})
    return links


def colour_message(colour: str) -> str | None:
    """Why ``colour`` cannot be the brand colour, in the hub's words, or None if it can."""
    if brand_colour_problem(colour) is None:
        return None
    if not colour.startswith("#") or len(colour) != 7:
        return "Enter the brand colour as a # and six hex digits, like #1d70b8"
    try:
        ratio = contrast_ratio(colour, "#ffffff")
    except ValueError:
        return "Enter the brand colour as a # and six hex digits, like #1d70b8"
    return (
        f"White text on {colour} has a contrast ratio of {ratio:.2f}:1; WCAG 2.2 AA needs at "
        f"least {AA_NORMAL_TEXT}:1. Choose a darker colour"
    )


@transaction.atomic
def brand_save(
    *, actor, entered: dict[str, str], logo=None, remove_logo: bool = False
) -> BrandVersion:
    """Save a new version of the brand from the hub's form (``entered``: the text fields;
    ``logo``: an uploaded file, or None to keep the current one). Raises ``BrandInvalid`` with
    every field at fault; nothing is saved then."""
    # Who may is the hub's question (``accounts.policies.can_manage_branding``, asked by the
    # view: core imports nothing above it); here only a signed-in member of staff can.
    if not isinstance(actor, StaffActor):
        raise PermissionError("Only administrators may change the council's brand")
    user = _acting_user(actor)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        key: (entered.get(key) or "").strip()
        for key in (
            "council_name",
            "brand_colour",
            "contact_phone",
            "contact_email",
            "contact_address",
            "site_banner",
        )
    }
    values["brand_colour"] = values["brand_colour"].lower()
    if not values["council_name"]:
        errors["council_name"] = "Enter the organisation's name"
    elif len(values["council_name"]) > 120:
        errors["council_name"] = "The organisation's name must be 120 characters or fewer"
    if values["brand_colour"] and (problem := colour_message(values["brand_colour"])):
        errors["brand_colour"] = problem
    if values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except Exception:
            errors["contact_email"] = (
                "Enter an email address in the correct format, like contact@example.gov.uk"
            )
    for key, limit in (("contact_phone", 40), ("contact_address", 300), ("site_banner", 300)):
        if len(values[key]) > limit:
            errors[key] = f"{FIELD_NAMES[key]} must be {limit} characters or fewer"
    try:
        values["footer_links"] = [
            [label, url] for label, url in _footer_links_from(entered.get("footer_links", ""))
        ]
    except BrandInvalid as invalid:
        errors.update(invalid.errors)
    logo_bytes, logo_type = None, ""
    if logo is not None:
        try:
            logo_bytes, logo_type = logo_checked(logo)
        except BrandInvalid as invalid:
            errors.update(invalid.errors)
    if errors:
        raise BrandInvalid(errors)

    previous = _newest()
    before = _brand_of(previous) if previous is not None else brand_from_environment()
    logo_from = None
    if logo_bytes is None and not remove_logo and previous is not None:
        kept = _logo_version_id(previous)
        logo_from = BrandVersion.objects.filter(pk=kept).first() if kept else None
    changed = [
        key
        for key in FIELDS
        if key != "logo"
        and (
            [list(link) for link in before.footer_links]
            if key == "footer_links"
            else getattr(before, key)
        )
        != values[key]
    ]
    if logo_bytes is not None or (remove_logo and before.logo_url.startswith("/brand/logo/")):
        changed.append("logo")
    version = BrandVersion.objects.create(
        **values,
        logo=logo_bytes,
        logo_type=logo_type,
        logo_from=logo_from,
        changed_at=timezone.now(),
        changed_by=user,
        changed_by_label=actor_label(actor),
        changed_fields=changed,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGED,
        object_type="brand",
        object_id=version.pk,
        fields=changed,
        summary="Council brand changed: " + (", ".join(changed) or "saved unchanged"),
    )
    # Every worker reads the shared cache: the next page anywhere shows this version. Dropped
    # now (a read before the commit finds the old version, and caches it), set once committed.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.set(CACHE_KEY, _brand_of(version), CACHE_SECONDS))
    return version


def brand_history(limit: int = 50) -> list[dict[str, Any]]:
    """The saved versions, newest first: when, who, what changed (field names, in words)."""
    rows = BrandVersion.objects.defer("logo").order_by("-pk")[:limit]
    return [
        {
            "version": row.pk,
            "at": row.changed_at,
            "who": row.changed_by_label,
            "changed": [FIELD_NAMES.get(key, key) for key in row.changed_fields],
            "banner": row.site_banner,
            "colour": row.brand_colour,
        }
        for row in rows
    ]
