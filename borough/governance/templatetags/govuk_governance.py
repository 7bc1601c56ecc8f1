"""Template filters for the governance pages in the hub."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping[key]``, or "" when there is no such key (form values and errors by name)."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""
