"""Render Django form fields with GOV.UK Design System markup (the account pages use these)."""

from __future__ import annotations

from django import forms, template

register = template.Library()


def _described_by(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.inclusion_tag("includes/govuk_field.html")
def govuk_field(
    field, label="", hint="", width="", autocomplete="", label_class="", help_text=True
):
    """One form field as a GOV.UK form group: label, hint, inline error, input.

    ``help_text=False`` leaves out the form's own help text (allauth's "Forgot your
    password?" link, when the page has its own).
    """
    if not help_text:
        field.help_text = ""
    widget = field.field.widget
    # GOV.UK: no placeholder text, it disappears as people type and is often too faint.
    widget.attrs.pop("placeholder", None)
    is_checkbox = isinstance(widget, forms.CheckboxInput)
    classes = "govuk-checkboxes__input" if is_checkbox else "govuk-input"
    if field.errors and not is_checkbox:
        classes += " govuk-input--error"
    if width:
        classes += f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    attrs = {"class": classes}
    described_by = _described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if isinstance(widget, forms.EmailInput) or field.name in {"email", "login"}:
        attrs["spellcheck"] = "false"
    return {
        "field": field,
        "label": label or field.label,
        "hint": hint or (field.help_text if help_text else ""),
        "widget": field.as_widget(attrs=attrs),
        "is_checkbox": is_checkbox,
        "hidden": field.is_hidden,
        "label_class": label_class,
    }


@register.inclusion_tag("includes/govuk_error_summary.html")
def govuk_error_summary(*forms_):
    """The GOV.UK error summary for one or more forms: each error links to its field."""
    items = []
    for form in forms_:
        if not form or not getattr(form, "errors", None):
            continue
        visible = [f for f in form if not f.is_hidden]
        first_id = visible[0].auto_id if visible else ""
        for error in form.non_field_errors():
            items.append((first_id, error))
        for field in form:
            for error in field.errors:
                items.append((field.auto_id, error))
    return {"items": items}


@register.filter
def has_errors(form) -> bool:
    return bool(form is not None and getattr(form, "errors", None))
