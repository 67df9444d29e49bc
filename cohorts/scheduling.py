"""Working-day arithmetic for phase schedules.

A phase counts its days by its day rule. Working days skip Saturdays, Sundays, national
holidays and cuti bersama (the government's collective leave, the `government` category of
the holidays package); a six-day week (classical phases, residential) counts Saturdays; a
calendar-day phase counts every day.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from curriculum.models import DayRule

SATURDAY, SUNDAY = 5, 6


@lru_cache(maxsize=64)
def national_holidays(year):
    return holidays.Indonesia(years=year, categories=("public", "government"), language="id")


def is_countable(day: date, rule: str) -> bool:
    if rule == DayRule.CALENDAR_DAYS:
        return True
    if day.weekday() == SUNDAY:
        return False
    if day.weekday() == SATURDAY and rule == DayRule.WORKING_DAYS:
        return False
    return day not in national_holidays(day.year)


def first_countable_day(day: date, rule: str) -> date:
    while not is_countable(day, rule):
        day += timedelta(days=1)
    return day


def phase_dates(start: date, days: int, rule: str) -> tuple[date, date]:
    """The first and last day of a phase of `days` countable days starting at `start` or after."""
    first = first_countable_day(start, rule)
    last, counted = first, 1
    while counted < days:
        last += timedelta(days=1)
        if is_countable(last, rule):
            counted += 1
    return first, last
