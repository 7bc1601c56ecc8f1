"""The gazetteer: wards, streets (USRN) and properties (UPRN), as kept in the council's LLPG."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ward(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WardCouncillor(models.Model):
    """A councillor elected for a ward (issue 26): they see its figures, never its residents."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="councillors")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="councillor_wards"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ward", "user"], name="ward_councillor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.ward}"


class Street(models.Model):
    """A street, keyed by its Unique Street Reference Number."""

    usrn = models.BigIntegerField(primary_key=True)
    name = models.CharField(max_length=120)
    locality = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.locality, self.town) if part)


class Property(models.Model):
    """An addressable place, keyed by its Unique Property Reference Number."""

    uprn = models.BigIntegerField(primary_key=True)
    usrn = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="properties", db_column="usrn"
    )
    sao = models.CharField("secondary addressable object", max_length=120, blank=True)
    pao = models.CharField("primary addressable object", max_length=120)
    locality = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=120)
    postcode = models.CharField(max_length=8)
    postcode_key = models.CharField(max_length=7, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="properties"
    )
    classification = models.CharField(
        max_length=8, blank=True, help_text="AddressBase classification code, e.g. RD04"
    )
    is_current = models.BooleanField(default=True)
    # Lower-cased address words for free-text search; kept in step by the importer.
    search_text = models.CharField(max_length=400, db_index=True)

    class Meta:
        verbose_name_plural = "properties"
        ordering = ["postcode_key", "usrn_id", "pao", "sao"]
        indexes = [models.Index(fields=["postcode_key", "is_current"])]

    def __str__(self) -> str:
        return self.single_line

    @property
    def street_name(self) -> str:
        return self.usrn.name

    @property
    def street_lines(self) -> list[str]:
        """The flat, building and street lines: ["Flat 2", "Beech House", "14 Church Road"]."""
        return street_lines(self.sao, self.pao, self.street_name)

    @property
    def lines(self) -> list[str]:
        """Address lines in the order a letter would show them."""
        return address_lines(
            sao=self.sao,
            pao=self.pao,
            street=self.street_name,
            locality=self.locality,
            town=self.town,
            postcode=self.postcode,
        )

    @property
    def short_address(self) -> str:
        """Flat, building, street and postcode: enough to tell addresses apart in a list."""
        return ", ".join([*self.street_lines, self.postcode])

    @property
    def single_line(self) -> str:
        return ", ".join(self.lines)

    @property
    def is_residential(self) -> bool:
        return self.classification.startswith("R") or not self.classification


def street_lines(sao: str, pao: str, street: str) -> list[str]:
    """A property's flat, building and street lines, from its address fields."""
    lines = [sao] if sao else []
    name, _, number = pao.rpartition(" ")
    if pao[:1].isdigit():
        lines.append(f"{pao} {street}")
    elif name and number[:1].isdigit():
        # A named building with a number on the street: "Beech House 14".
        lines.extend([name, f"{number} {street}"])
    else:
        lines.extend([pao, street])
    return lines


def address_lines(
    *, sao: str, pao: str, street: str, locality: str, town: str, postcode: str
) -> list[str]:
    """Address lines in the order a letter would show them, from the address fields alone
    (lists of thousands of addresses build them from ``values()`` rows, not instances)."""
    lines = [*street_lines(sao, pao, street), locality, town, postcode]
    return [line for line in lines if line]


def build_search_text(
    *, sao: str, pao: str, street: str, locality: str, town: str, postcode: str
) -> str:
    words = " ".join([sao, pao, street, locality, town, postcode, postcode.replace(" ", "")])
    return " ".join(words.lower().replace(",", " ").split())[:400]


class WasteStream(models.TextChoices):
    GENERAL = "general", _("General waste (black bin)")
    RECYCLING = "recycling", _("Recycling (blue bin)")
    FOOD = "food", _("Food waste (green caddy)")
    GARDEN = "garden", _("Garden waste (brown bin, if you subscribe)")


class CollectionSchedule(models.Model):
    """When one kind of waste is collected on a street: a weekday, every one or two weeks.

    ``first_date`` is any date the collection happens, which fixes the fortnightly weeks.
    Imported from the waste team's rounds (``import_collection_rounds``).
    """

    street = models.ForeignKey(
        Street, on_delete=models.CASCADE, related_name="collections", db_column="usrn"
    )
    stream = models.CharField(max_length=12, choices=WasteStream.choices)
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday, 4 is Friday")
    every_weeks = models.PositiveSmallIntegerField(default=1)
    first_date = models.DateField()

    class Meta:
        ordering = ["street_id", "stream"]
        constraints = [
            models.UniqueConstraint(fields=["street", "stream"], name="one_schedule_per_stream"),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="collection_weekday_0_to_6"
            ),
            models.CheckConstraint(
                condition=models.Q(every_weeks__in=[1, 2, 3, 4]), name="collection_every_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stream_display()} on {self.street}"
