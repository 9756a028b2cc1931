"""Working-day arithmetic: weekends skipped, holidays and worked weekends from the calendar table."""

import datetime as dt

import pytest

from investledger.escalation.models import CalendarDay
from investledger.escalation.workdays import WorkCalendar

from .helpers import FRI, MON, SAT, THU, TUE, WED


def test_it_skips_the_weekend():
    cal = WorkCalendar()
    assert cal.add(FRI, 1) == MON
    assert cal.add(THU, 3) == TUE
    assert cal.add(SAT, 1) == MON
    assert cal.add(FRI, 7) == dt.date(2026, 3, 17)


def test_it_counts_working_days_between_dates():
    cal = WorkCalendar()
    assert cal.between(FRI, WED) == 3
    assert cal.between(WED, FRI) == -3
    assert cal.between(FRI, FRI) == 0


@pytest.mark.django_db
def test_it_skips_holidays_and_counts_worked_weekends_from_the_table():
    CalendarDay.objects.create(date=MON, name="Holiday")
    CalendarDay.objects.create(date=SAT, is_working_day=True, name="Make-up working day")
    cal = WorkCalendar.load()
    assert cal.add(FRI, 1) == SAT
    assert cal.add(FRI, 2) == TUE
    assert not cal.is_working_day(MON)
