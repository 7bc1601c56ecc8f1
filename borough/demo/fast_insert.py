"""Insert many new rows quickly, for the demo generator only.

``bulk_create`` spends most of its time compiling SQL value by value. Here each column's
adapter is chosen once and rows go to the database with ``executemany``. Primary keys are
given out before the insert (the demo is only made in an empty database), so related rows can
point at them, and the sequences are moved on afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

CHUNK = 5000


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else ops.adapt_datefield_value(value)
    if isinstance(field, models.DecimalField):
        return lambda value: (
            None
            if value is None
            else ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
        )
    if isinstance(field, models.UUIDField):
        return lambda value: field.get_db_prep_value(value, connection)
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return lambda value: value


def fast_insert(objects: Sequence[models.Model]) -> None:
    """Insert unsaved model instances of one model, giving them primary keys."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    auto_pk = isinstance(meta.pk, models.AutoField | models.BigAutoField)
    if auto_pk:
        # every model given here has ``objects``, which the base Model does not declare
        top = model.objects.aggregate(top=Max("pk"))["top"]  # type: ignore[attr-defined]
        first = (top or 0) + 1
        for offset, obj in enumerate(objects):
            obj.pk = first + offset
    now = timezone.now()
    fields = list(meta.concrete_fields)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)
    adapters = [(field.attname, _adapter(field)) for field in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - names from model metadata only
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objects), CHUNK):
            cursor.executemany(
                sql,
                [
                    tuple(adapt(getattr(obj, name)) for name, adapt in adapters)
                    for obj in objects[start : start + CHUNK]
                ],
            )
        if auto_pk:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
