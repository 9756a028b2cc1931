"""Working days: weekends are off, except the days the calendar table says otherwise.

China moves working days around public holidays (调休): a Saturday can be a working day and a
Wednesday a holiday. `CalendarDay` rows record exactly those exceptions; everything else follows
the weekday.
"""

from __future__ import annotations

import datetime as dt

from investledger.escalation.models import CalendarDay


class WorkCalendar:
    """Working-day arithmetic over a loaded set of exceptions (one query, then pure Python)."""

    def __init__(self, holidays: set[dt.date] | None = None, working_weekends: set[dt.date] | None = None):
        self.holidays = holidays or set()
        self.working_weekends = working_weekends or set()

    @classmethod
    def load(cls) -> WorkCalendar:

        holidays, working = set(), set()
        for day, is_working in CalendarDay.objects.values_list("date", "is_working_day"):
            (working if is_working else holidays).add(day)
        return cls(holidays, working)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.working_weekends:
            return True
        return day.weekday() < 5

    def add(self, start: dt.date, working_days: int) -> dt.date:
        """The date `working_days` working days after `start` (start itself does not count)."""
        day = start
        remaining = working_days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.add(day, 1)

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end is before start)."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
