"""Gap-free document numbers per series and year (orders now, invoices later).

A counter row per (series, year) is locked while the next number is taken, inside the caller's transaction:
if the caller rolls back, the number is not used and the next caller gets it, so there are no gaps.
`next_numbers` takes a whole block at once (one lock, one update), for a run that numbers thousands of documents.
"""

from django.db import IntegrityError, transaction

from verbund.core.models import NumberSequence


def next_numbers(*, series: str, year: int, count: int, width: int = 6) -> list[str]:
    """The next `count` numbers of the series in order, e.g. ["B-2026-000001", "B-2026-000002"]. The same numbers
    as `count` calls of `next_number`. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must be called inside transaction.atomic()")
    if count < 1:
        return []
    sequence = NumberSequence.objects.select_for_update().filter(series=series, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(series=series, year=year, last=0)
        except IntegrityError:
            pass  # created by a concurrent caller; lock it below
        sequence = NumberSequence.objects.select_for_update().get(series=series, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{series}-{year}-{n:0{width}d}" for n in range(first, sequence.last + 1)]


def next_number(*, series: str, year: int, width: int = 6) -> str:
    """E.g. next_number(series="B", year=2026) -> "B-2026-000001". Must run inside a transaction."""
    return next_numbers(series=series, year=year, count=1, width=width)[0]
