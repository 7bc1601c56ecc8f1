"""The subject access package as a PDF (issue 23, point 3): the same released items as the
machine-readable files, the withheld ones left out, and a page saying how many items were
withheld and under which exemption (never what they held).

Written with fpdf2 in DejaVu Sans, embedded (``fonts/``, its licence beside it), so the person's
name prints as written in any Latin, Greek or Cyrillic script; PDF/UA tagging is not attempted:
the zip's HTML page is the accessible copy.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
#: Values longer than this are cut in the PDF (the JSON and CSV files hold them whole).
LONGEST = 4000


def _value(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d %B %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d %B %Y}"
    text = str(value)
    return text if len(text) <= LONGEST else text[:LONGEST] + " … (in full in data.json)"


class _Package(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def package_pdf(
    request_pk: int,
    sections: list[tuple[str, list[dict[str, Any]]]],
    withheld: dict[str, str],
    *,
    name: str,
) -> bytes:
    """The PDF of the released items (``sections``: heading and items, as ``sar.package``
    gives them) for request ``request_pk``, about the person called ``name``."""
    pdf = _Package(format="A4")
    pdf.set_title(f"Subject access request {request_pk}")
    pdf.set_author(str(settings.COUNCIL_NAME))
    pdf.set_lang("en-GB")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 10, bold: bool = False, gap: float = 1) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(f"The data {settings.COUNCIL_NAME} holds about {name}", 16, bold=True, gap=3)
    para(
        f"Subject access request {request_pk}, released on "
        f"{timezone.localdate():%d %B %Y}. The same data is in data.json and the CSV files "
        "of this package, for a computer to read."
    )
    for heading, items in sections:
        para(f"{heading} ({len(items)})", 13, bold=True, gap=2)
        if not items:
            para("None held.", gap=3)
            continue
        for item in items:
            for key, value in item.items():
                shown = _value(value)
                if shown:
                    para(f"{key.replace('_', ' ').capitalize()}: {shown}", 9, gap=0.5)
            pdf.ln(2)
    para("What we have withheld", 13, bold=True, gap=2)
    if withheld:
        counts = Counter(withheld.values())
        for reason, n in sorted(counts.items()):
            para(f"{n} item{'s' if n != 1 else ''}: {reason}")
        para(
            "The law allows the council to withhold these (for example, another person's "
            "data). You can complain to the Information Commissioner's Office (ico.org.uk)."
        )
    else:
        para("Nothing: every item we hold about you is in this package.")
    return bytes(pdf.output())
