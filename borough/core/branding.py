"""The council's brand on every page without a fork (issue 25): logo, brand colour, footer links,
contact details and a site-wide banner, from environment variables read in ``config.settings``.

The brand colour is the header's background, behind white text: it is refused (the settings fail
to load, with the reason) unless its contrast with white meets WCAG 2.2 AA for normal text
(4.5:1). Pure Python, no Django, so the settings can use it.
"""

from __future__ import annotations

import re

AA_NORMAL_TEXT = 4.5
_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour."""
    match = _HEX.match(colour)
    if match is None:
        raise ValueError(f"{colour!r} is not a colour like #1d70b8")
    digits = match.group(1)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two colours, 1 to 21."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def brand_colour_problem(colour: str) -> str | None:
    """Why ``colour`` cannot be the header's brand colour, or None if it can."""
    if not _HEX.match(colour or ""):
        return (
            f"BOROUGH_BRAND_COLOUR must be a colour written like #1d70b8 (a # and six hex "
            f"digits); it is {colour!r}"
        )
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < AA_NORMAL_TEXT:
        return (
            f"BOROUGH_BRAND_COLOUR {colour} has a contrast ratio of {ratio:.2f}:1 with the "
            f"header's white text; WCAG 2.2 AA needs at least {AA_NORMAL_TEXT}:1. Choose a "
            f"darker colour."
        )
    return None


def brand_css(colour: str) -> str:
    """The stylesheet that puts the brand colour on GOV.UK Frontend's generic header and the
    service navigation's top border (the supported way: the header takes any background)."""
    return (
        f".govuk-generic-header{{background:{colour}}}"
        f".govuk-service-navigation{{border-top:4px solid {colour}}}"
    )


def footer_links(raw: list[str]) -> list[tuple[str, str]]:
    """``BOROUGH_FOOTER_LINKS`` items, each ``Label=https://address``, as (label, address).
    Raises ValueError naming an item that is not one."""
    links = []
    for item in raw:
        label, sep, url = item.partition("=")
        if not sep or not label.strip() or not url.strip().startswith(("https://", "/")):
            raise ValueError(
                f"BOROUGH_FOOTER_LINKS items are Label=https://address (or a path from /); "
                f"{item!r} is not"
            )
        links.append((label.strip(), url.strip()))
    return links
