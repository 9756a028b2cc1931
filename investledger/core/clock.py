"""The one clock of the product.

Everything that depends on "today" (lights, deadlines, late reports, escalation) asks this module,
so tests and `--as-of` runs can set the time instead of waiting for it.
"""

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("investledger_frozen_now", default=None)


def now() -> dt.datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen_at(moment: dt.datetime | dt.date):
    """Run the enclosed code as if it were `moment` (a date means local noon of that day)."""
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = timezone.make_aware(dt.datetime.combine(moment, dt.time(12, 0)))
    elif timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
