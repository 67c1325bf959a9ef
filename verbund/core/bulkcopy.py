"""Inserting many rows at once: PostgreSQL's `COPY … FROM STDIN` where it is available, else `bulk_create`.

`bulk_create` spends most of its time in Python building one huge `INSERT … VALUES` statement and converting its
parameters (issue #12: 14 s of a 36 s billing slice went there for 27,000 invoice lines). COPY streams the rows
instead. A value of a plain type (text, whole number, decimal, date, truth value, NULL) in a plain field goes
to psycopg as it is; everything else (JSON, date-times with their time zone, lazy strings) goes through the
field's own database preparation (`get_db_prep_save`, the conversion `bulk_create` applies), so what is stored
is the same. COPY returns no ids: use it for rows whose ids the caller does not need back. Fields left out get
the model's default (auto_now fields: the time of the call), as with `bulk_create`.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Fields whose database preparation leaves a value of a plain type unchanged on PostgreSQL (psycopg adapts it).
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DecimalField,
    models.ForeignKey,
)
PLAIN_TYPES = frozenset({str, int, bool, Decimal, dt.date, type(None)})


def copy_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]], *, batch_size: int = 1000
) -> int:
    """Insert `rows` (each a sequence of values for the fields `names`, attnames such as `invoice_id` for foreign
    keys) into `model`'s table and return how many."""
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    unknown = [name for name in names if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.using(alias).bulk_create(objects, batch_size=batch_size)
        return len(objects)
    fields = [by_attname[name] for name in names]
    # The fields left out get what `bulk_create` would give them: the model's default, the time for auto_now.
    now = timezone.now()
    rest = [
        field
        for field in model._meta.concrete_fields
        if field.attname not in names and not (field.primary_key and isinstance(field, AutoFieldMixin))
    ]
    rest_values = tuple(
        field.get_db_prep_save(now if _auto_now(field) else field.get_default(), connection) for field in rest
    )
    columns = ", ".join(connection.ops.quote_name(field.column) for field in [*fields, *rest])
    table = connection.ops.quote_name(model._meta.db_table)
    # (the field's preparation, whether a value of a plain type may go to psycopg as it is)
    plan = [(field.get_db_prep_save, isinstance(field, PLAIN_FIELDS)) for field in fields]
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    *(
                        value if plain and type(value) in PLAIN_TYPES else prepare(value, connection)
                        for value, (prepare, plain) in zip(row, plan, strict=True)
                    ),
                    *rest_values,
                ]
            )
            count += 1
    return count


def _auto_now(field: models.Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
