"""Working-day arithmetic for phase schedules.

A phase counts its days by its day rule. Working days skip Saturdays, Sundays, national
holidays and cuti bersama (the government's collective leave: the `government` category of the
holidays package) and the organiser's own non-working days; a six-day week (residential
classical phases) counts Saturdays too; a calendar-day phase counts every day.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from curriculum.models import DayRule

SATURDAY, SUNDAY = 5, 6
NO_DAYS = frozenset()


@lru_cache(maxsize=64)
def national_holidays(year):
    return holidays.Indonesia(years=year, categories=("public", "government"), language="id")


def is_countable(day: date, rule: str, closed=NO_DAYS) -> bool:
    """Whether `day` counts towards a phase's length. `closed` is the organiser's own
    non-working days."""
    if rule == DayRule.CALENDAR_DAYS:
        return True
    if day.weekday() == SUNDAY:
        return False
    if day.weekday() == SATURDAY and rule == DayRule.WORKING_DAYS:
        return False
    return day not in national_holidays(day.year) and day not in closed


def first_countable_day(day: date, rule: str, closed=NO_DAYS) -> date:
    while not is_countable(day, rule, closed):
        day += timedelta(days=1)
    return day


def phase_dates(start: date, days: int, rule: str, closed=NO_DAYS) -> tuple[date, date]:
    """The first and last day of a phase of `days` countable days starting at `start` or after."""
    first = first_countable_day(start, rule, closed)
    last, counted = first, 1
    while counted < days:
        last += timedelta(days=1)
        if is_countable(last, rule, closed):
            counted += 1
    return first, last


def countable_dates(start: date, end: date, rule: str, closed=NO_DAYS) -> list[date]:
    days, day = [], start
    while day <= end:
        if is_countable(day, rule, closed):
            days.append(day)
        day += timedelta(days=1)
    return days
