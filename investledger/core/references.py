"""Reference numbers of records (P2022-00001 for projects, Q2026-0003 for issues, D2026-0001 for notices).

One series per letter and year, counted in `ReferenceSequence`: `reserve` locks the series' row until
the transaction ends, so concurrent writers (pages, API, imports) never hand out the same number. A
series without a row yet starts after the highest reference already used.
"""

from __future__ import annotations

from investledger.core.models import ReferenceSequence


def reserve(model, letter: str, year: int, count: int = 1, *, digits: int) -> list[str]:
    """Hand out `count` consecutive references of `model` for `year`; call inside a transaction."""
    if count < 1:
        return []
    prefix = f"{letter}{year}-"
    rows = ReferenceSequence.objects.select_for_update()
    sequence = rows.filter(series=letter, year=year).first()
    if sequence is None:
        last = (
            model.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        start = int(last.split("-")[1]) if last else 0
        ReferenceSequence.objects.get_or_create(series=letter, year=year, defaults={"last": start})
        sequence = rows.get(series=letter, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{prefix}{number:0{digits}d}" for number in range(first, first + count)]


def next_reference(model, letter: str, year: int, *, digits: int) -> str:
    return reserve(model, letter, year, 1, digits=digits)[0]
