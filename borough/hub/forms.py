"""What the hub's forms post, parsed with Django forms.

The forms turn posted text into values (ids into teams, users, cases and templates); the rules
about what may change and how are the actions' own (``cases``, ``hub.services``), which say
what is wrong in the same words on every channel. So a form complains only where the page
itself must ("Choose the new status"), and a value the page never offered (a form edited by
hand, an old link) becomes "none" for the action to judge rather than an error of its own.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from borough.cases.models import Status
from borough.cases.selectors import response_templates_for_case

from . import selectors

# The longest id a form takes: longer digits are no id Borough made.
ID_MAX = 10**11 - 1


class _NoneIfInvalid:
    """A field that cleans anything it cannot take to None instead of an error."""

    def clean(self, value):
        try:
            return super().clean(value)  # type: ignore[misc]
        except ValidationError:
            return None


class OptionalIntegerField(_NoneIfInvalid, forms.IntegerField):
    """A whole number from 0, or None for anything else."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=ID_MAX, **kwargs)


class OptionalModelChoiceField(_NoneIfInvalid, forms.ModelChoiceField):
    """One of ``queryset``, or None for anything else (the action says what is missing)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, required=False, **kwargs)


class CaseIdsField(forms.Field):
    """The ids of the cases chosen on the queue; values that are no id are left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        field = OptionalIntegerField()
        ids = {field.clean(item) for item in value or []}
        return sorted(item for item in ids if item is not None)


def first_error(form: forms.Form) -> str:
    """The first problem with ``form``, in the order of its fields (pages show one at a time)."""
    for name in [*form.fields, "__all__"]:
        if name in form.errors:
            # ErrorList's own __getitem__ gives the message, never the ValidationError.
            return str(form.errors[name][0])
    return ""


# --------------------------------------------------------------------------- the work queue


class BackToQueueForm(forms.Form):
    """The queue's filters and page a form was posted from, to go back to them."""

    query = forms.CharField(required=False, strip=False)
    page = OptionalIntegerField()


class BulkForm(BackToQueueForm):
    """The queue's bulk actions: assign the chosen cases, or move them to a workflow state."""

    NOBODY = "nobody"

    case = CaseIdsField(error_messages={"required": "Select at least one case"})
    action = forms.ChoiceField(
        choices=[("assign", "Assign"), ("status", "Change status")],
        error_messages={
            "required": "Choose what to do with the selected cases",
            "invalid_choice": "Choose what to do with the selected cases",
        },
    )
    assignee = OptionalModelChoiceField(selectors.users())
    to_state = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)
    resolution = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("action") == "assign":
            if data.get("assignee") is None and self.data.get("assignee") != self.NOBODY:
                self.add_error("assignee", "Choose who to assign the cases to")
        elif data.get("action") == "status" and not data.get("to_state"):
            self.add_error("to_state", "Choose the new status")
        return data


class SaveViewForm(BackToQueueForm):
    """Save the queue's filters under a name, shared with a team if chosen."""

    name = forms.CharField(required=False, strip=False)
    team = OptionalModelChoiceField(selectors.teams())


class EditViewForm(forms.Form):
    """Rename a saved view, and share it with a team or stop sharing it."""

    name = forms.CharField(required=False, strip=False)
    team = OptionalModelChoiceField(selectors.teams())


# ------------------------------------------------------------------------------ a resident


class ContactLogForm(forms.Form):
    """A contact handled for a resident (``contacts.services.contact_log`` checks each field)."""

    channel = forms.CharField(required=False)
    reason = forms.CharField(required=False, strip=False)
    outcome = forms.CharField(required=False)
    minutes = forms.CharField(required=False)


# ---------------------------------------------------------------------------- the case page


class CaseActionForm(forms.Form):
    """What every action on the case page posts: the version of the case the page showed
    (the action refuses a change made from a page older than the case)."""

    version = OptionalIntegerField()

    def __init__(self, data, *, case, user):
        super().__init__(data)
        self.case = case
        self.user = user

    def _other_case(self, name: str, reference: str):
        """Another case named in the form, which this member of staff must be able to see:
        a case of a team they cannot see is answered as if it did not exist."""
        if not reference:
            self.add_error(name, "Enter a case reference")
            return None
        other = selectors.case_visible_to(self.user, reference)
        if other is None:
            self.add_error(
                name, f"There is no case you can see with the reference {reference[:20]}"
            )
        return other


class AssignForm(CaseActionForm):
    assignee = forms.ModelChoiceField(
        selectors.users(),
        required=False,
        error_messages={"invalid_choice": "Choose someone from the list"},
    )


class StatusForm(CaseActionForm):
    status = forms.CharField(error_messages={"required": "Choose the new status"})
    resolution = forms.CharField(required=False)
    status_note = forms.CharField(required=False, strip=False)


class PriorityForm(CaseActionForm):
    priority = OptionalIntegerField()


class NoteForm(CaseActionForm):
    text = forms.CharField(required=False, strip=False)
    visibility = forms.CharField(required=False)


class UpdateForm(CaseActionForm):
    """A public update, perhaps from a response template, perhaps changing the status."""

    update_text = forms.CharField(required=False, strip=False)
    update_status = forms.CharField(required=False)
    update_resolution = forms.CharField(required=False)
    template = OptionalIntegerField()

    def clean_template(self):
        chosen = self.cleaned_data["template"]
        templates = response_templates_for_case(self.case) if chosen is not None else []
        return next((t for t in templates if t.pk == chosen), None)

    def clean_update_status(self):
        # The form offers the workflow's next states; API-style base statuses are accepted too.
        to_status = self.cleaned_data["update_status"]
        if (
            to_status
            and self.case.service.flow.state(to_status) is None
            and to_status not in Status.values
        ):
            raise ValidationError("Choose a status from the list")
        return to_status


class TimeForm(CaseActionForm):
    minutes = forms.CharField(required=False)
    time_note = forms.CharField(required=False, strip=False)
    letter = forms.CharField(required=False)


class DuplicateForm(CaseActionForm):
    """The original: a reference typed in, or a suggested case chosen."""

    original_reference = forms.CharField(required=False)
    original = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        typed = data.get("original_reference") or data.get("original", "")
        data["other"] = self._other_case("original_reference", typed)
        return data


class LinkForm(CaseActionForm):
    other_reference = forms.CharField(required=False)
    link_reason = forms.CharField(required=False, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        data["other"] = self._other_case("other_reference", data.get("other_reference", ""))
        return data


class UnlinkForm(CaseActionForm):
    other = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        data["other"] = self._other_case("other", data.get("other", ""))
        return data


class TransferForm(CaseActionForm):
    team = OptionalModelChoiceField(selectors.teams())
    transfer_reason = forms.CharField(required=False, strip=False)


class UseTemplateForm(forms.Form):
    """The case page's "use template" step (a GET): which template to fill in."""

    template = OptionalIntegerField()


# ------------------------------------------------------------------- response templates


class ResponseTemplateForm(forms.Form):
    """A response template: the team (one this person manages), service, status and wording."""

    team = forms.ModelChoiceField(
        selectors.teams(),
        error_messages={"required": "Choose a team", "invalid_choice": "Choose a team"},
    )
    service = forms.ModelChoiceField(
        selectors.services(),
        required=False,
        error_messages={"invalid_choice": "Choose a service from the list"},
    )
    status = forms.CharField(required=False, strip=False)
    title = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)

    def __init__(self, data, *, teams):
        super().__init__(data)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams


_POUNDS = re.compile(r"^£?\s*(\d{1,6})(?:\.(\d{2}))?$")


class RefundForm(CaseActionForm):
    """A refund: an amount in pounds and pence (whole pence only) and why."""

    refund_amount = forms.CharField(required=False)
    refund_reason = forms.CharField(required=False)

    def clean_refund_amount(self) -> int:
        typed = self.cleaned_data.get("refund_amount", "").replace(",", "").strip()
        found = _POUNDS.match(typed)
        if not typed:
            raise forms.ValidationError("Enter the amount to refund")
        if found is None:
            raise forms.ValidationError(
                "Enter the amount in pounds and pence, like 22.50, more than £0"
            )
        pence = int(found.group(1)) * 100 + int(found.group(2) or 0)
        if pence < 1:
            raise forms.ValidationError("Enter an amount more than £0")
        return pence
