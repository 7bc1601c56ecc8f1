"""The Django admin writes the same audit rows as the hub (issue 16).

``AuditedAdmin`` is mixed into the ``ModelAdmin`` of every model holding residents' personal
data, and ``AuditedInline`` into its inlines: each add, change and delete (from the change
form, its inlines, the list's editable columns or the "delete selected" action) writes who,
what, which fields (their names, never their values) and when; opening a change page writes a
"viewed" row. The admin's own LogEntry is kept as well.

Each admin says what to call its records (``audit_object_type``) and whose data a record is
(``audit_resident_id``), so that the resident's "who has seen or changed this" page finds it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote

from .services import audit_record


def _resident_id_of(obj: Any) -> int | None:
    """Whose personal data ``obj`` is: its own ``resident_id``, or its case's."""
    resident_id = getattr(obj, "resident_id", None)
    if resident_id is None and getattr(obj, "case_id", None) is not None:
        resident_id = obj.case.resident_id
    return resident_id


class _Audits:
    audit_object_type: str = ""

    def audit_resident_id(self, obj: Any) -> int | None:
        return _resident_id_of(obj)

    def _audit(
        self, request, obj: Any, action: str, *, object_id: Any = None, fields=(), resident=None
    ) -> None:
        audit_record(
            actor=request.user,
            action=action,
            object_type=self.audit_object_type or obj._meta.model_name,
            object_id=obj.pk if object_id is None else object_id,
            resident_id=self.audit_resident_id(obj) if resident is None else resident,
            fields=fields,
            summary=f"in the admin: {action} {obj._meta.verbose_name}",
        )


class AuditedInline(_Audits):
    """For the inlines of an ``AuditedAdmin`` (a resident's needs, a case's events)."""


class AuditedAdmin(_Audits):
    """Mix into a ``ModelAdmin`` (before it) whose records hold personal data."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
            if obj is not None:
                self._audit(request, obj, "viewed")
        return response

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._audit(request, obj, "changed" if change else "created", fields=form.changed_data)

    def save_formset(self, request, form, formset, change) -> None:
        inline = next(
            (
                i
                for i in self.get_inline_instances(request, form.instance)  # type: ignore[attr-defined]
                if i.model is formset.model
            ),
            None,
        )
        audits: _Audits = inline if isinstance(inline, _Audits) else self
        # A deleted object has no primary key afterwards: note what it was first.
        deleting = [
            (f.instance, f.instance.pk, audits.audit_resident_id(f.instance))
            for f in formset.deleted_forms
            if f.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            fields = next((f.changed_data for f in formset.forms if f.instance is obj), ())
            audits._audit(request, obj, "created", fields=fields)
        for obj, fields in formset.changed_objects:
            audits._audit(request, obj, "changed", fields=fields)
        for obj, pk, resident_id in deleting:
            audits._audit(request, obj, "deleted", object_id=pk, resident=resident_id)

    def log_deletions(self, request, queryset):
        """Called before the deletion (one object, or the "delete selected" action)."""
        for obj in queryset:
            self._audit(request, obj, "deleted")
        return super().log_deletions(request, queryset)  # type: ignore[misc]
