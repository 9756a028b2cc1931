"""Keyset (cursor) pages: the rows after the last one read, found through the sort order's index.

A page number makes the database walk past every earlier row (OFFSET) and a page count needs every
matching row counted; a cursor carries the sort values of the row a page ended on, and the next page is
"the rows after it", which an index on the sort columns reaches directly, however deep. Rows added or
removed meanwhile move no row onto two pages.

The order is the queryset's own (`order_by` of field names, ending with the primary key so that it is
total). Empty values (NULL) sort as the greatest values in both directions, as PostgreSQL's indexes
keep them, and the order is made explicit so SQLite sorts them alike.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool
    nullable: bool


def keys_of(queryset) -> list[Key]:
    """The queryset's sort order as keys; raises ValueError for an order that is not plain field names."""
    model = queryset.model
    order = list(queryset.query.order_by) or list(model._meta.ordering)
    keys = []
    for item in order:
        if not isinstance(item, str):
            raise ValueError(f"keyset pages need field names to sort by, not {item!r}")
        name = item.lstrip("-")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        keys.append(Key(field.attname, item.startswith("-"), field.null))
    if not keys or keys[-1].field != model._meta.pk.attname:
        keys.append(Key(model._meta.pk.attname, True, False))
    return keys


def _sorted(queryset, keys: list[Key], reverse: bool):
    order = []
    for key in keys:
        descending = key.descending != reverse
        expr = F(key.field)
        if key.nullable:  # NULL greatest: last going up, first going down
            order.append(expr.desc(nulls_first=True) if descending else expr.asc(nulls_last=True))
        else:
            order.append(expr.desc() if descending else expr.asc())
    return queryset.order_by(*order)


def _beyond(key: Key, descending: bool, value) -> Q | None:
    """Rows strictly past `value` on this key alone (None: no row can be)."""
    if value is None:
        return Q(**{f"{key.field}__isnull": False}) if descending else None
    past = Q(**{f"{key.field}__lt" if descending else f"{key.field}__gt": value})
    if key.nullable and not descending:
        past |= Q(**{f"{key.field}__isnull": True})
    return past


def _same(key: Key, value) -> Q:
    return Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})


def after(queryset, keys: list[Key], values: list, reverse: bool = False):
    """The rows after the row with `values` in the keys' order (before it, with `reverse`), so ordered."""
    either = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        past = _beyond(key, key.descending != reverse, value)
        if past is not None:
            either |= equal & past
        equal &= _same(key, value)
    # The first key bounded on its own as well, so that the database starts its index scan at the cursor.
    first, value = keys[0], values[0]
    descending = first.descending != reverse
    if value is not None:
        bound = Q(**{f"{first.field}__lte" if descending else f"{first.field}__gte": value})
        if first.nullable and not descending:
            bound |= Q(**{f"{first.field}__isnull": True})
        either &= bound
    elif not descending:
        either &= Q(**{f"{first.field}__isnull": True})
    return _sorted(queryset, keys, reverse).filter(either)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def values_of(row, keys: list[Key]) -> list:
    return [_plain(getattr(row, key.field)) for key in keys]


def signature(keys: list[Key]) -> str:
    return ",".join(("-" if k.descending else "") + k.field for k in keys)


def encode(keys: list[Key], values: list, backwards: bool) -> str:
    body = json.dumps({"o": signature(keys), "v": values, "b": backwards}, separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def decode(token: str, keys: list[Key]) -> tuple[list, bool]:
    """(values, backwards) of a cursor made for this order; InvalidCursor for any other."""
    try:
        body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values, backwards = body["v"], bool(body["b"])
        ok = body["o"] == signature(keys) and isinstance(values, list) and len(values) == len(keys)
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise InvalidCursor(token) from exc
    if not ok or not all(v is None or isinstance(v, (str, int, float)) for v in values):
        raise InvalidCursor(token)
    return values, backwards


@dataclass
class Page:
    rows: list
    next: str | None  # cursor of the page after, None on the last
    previous: str | None  # cursor of the page before, None on the first


def page(queryset, token: str | None, size: int) -> Page:
    """One page of the queryset from a cursor ("" or None: the first page)."""
    keys = keys_of(queryset)
    if token:
        values, backwards = decode(token, keys)
        try:
            rows = list(after(queryset, keys, values, reverse=backwards)[: size + 1])
        except (ValueError, TypeError, ValidationError) as exc:  # a value the field cannot read
            raise InvalidCursor(token) from exc
    else:
        values, backwards = None, False
        rows = list(_sorted(queryset, keys, reverse=False)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        return Page(
            rows,
            encode(keys, values_of(rows[-1], keys), False) if rows else None,
            encode(keys, values_of(rows[0], keys), True) if rows and more else None,
        )
    return Page(
        rows,
        encode(keys, values_of(rows[-1], keys), False) if rows and more else None,
        encode(keys, values_of(rows[0], keys), True) if rows and token else None,
    )
