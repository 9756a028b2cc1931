"""Calendar arithmetic for plans and reporting periods (months, without third-party libraries)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clipped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later` (a month counts once its day number is reached)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if add_months(earlier, months) > later:
        months -= 1
    return months


def period_start(day: dt.date, length: int) -> dt.date:
    """The first day of the reporting period of `length` months that contains `day`."""
    month = ((day.month - 1) // length) * length + 1
    return dt.date(day.year, month, 1)


def period_end(start: dt.date, length: int) -> dt.date:
    return add_months(start, length) - dt.timedelta(days=1)


def period_due(start: dt.date, length: int, grace_days: int) -> dt.date:
    """The last day a report for the period starting `start` is on time."""
    return period_end(start, length) + dt.timedelta(days=grace_days)


def parse_period(text: str) -> dt.date:
    """ "2024-05" → 1 May 2024. Raises ValueError on anything else."""
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def period_label(start: dt.date, length: int) -> str:
    if length == 1:
        return start.strftime("%Y-%m")
    end = period_end(start, length)
    return f"{start:%Y-%m}–{end:%Y-%m}"
