"""Gap-free document numbers per series and year (orders now, invoices later).

A counter row per (series, year) is locked while the next number is taken, inside the caller's transaction:
if the caller rolls back, the number is not used and the next caller gets it, so there are no gaps.
"""

from django.db import IntegrityError, transaction

from verbund.core.models import NumberSequence


def next_number(*, series: str, year: int, width: int = 6) -> str:
    """E.g. next_number(series="B", year=2026) -> "B-2026-000001". Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must be called inside transaction.atomic()")
    sequence = NumberSequence.objects.select_for_update().filter(series=series, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(series=series, year=year, last=0)
        except IntegrityError:
            pass  # created by a concurrent caller; lock it below
        sequence = NumberSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{series}-{year}-{sequence.last:0{width}d}"
