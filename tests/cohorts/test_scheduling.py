from datetime import date

import pytest

from cohorts.scheduling import phase_dates
from curriculum.models import DayRule

from ..factories import CohortFactory


def test_working_days_skip_independence_day():
    # August 2022 has 23 weekdays; 17 August is Independence Day: 22 working days.
    assert phase_dates(date(2022, 8, 1), 22, DayRule.WORKING_DAYS) == (
        date(2022, 8, 1),
        date(2022, 8, 31),
    )


def test_working_days_skip_idul_fitri_cuti_bersama_2023():
    # 19-25 April 2023: Idul Fitri and its collective leave; the 18th is the last working day.
    assert phase_dates(date(2023, 4, 18), 2, DayRule.WORKING_DAYS) == (
        date(2023, 4, 18),
        date(2023, 4, 26),
    )


def test_six_day_week_counts_saturday_not_sunday():
    # Classical week of Latsar Banten 2022: Monday 17 to Saturday 22 October.
    assert phase_dates(date(2022, 10, 17), 6, DayRule.SIX_DAY_WEEK) == (
        date(2022, 10, 17),
        date(2022, 10, 22),
    )
    assert phase_dates(date(2022, 10, 17), 7, DayRule.SIX_DAY_WEEK)[1] == date(2022, 10, 24)


def test_calendar_days_count_weekends_and_holidays():
    assert phase_dates(date(2022, 8, 15), 5, DayRule.CALENDAR_DAYS) == (
        date(2022, 8, 15),
        date(2022, 8, 19),
    )


def test_a_phase_starting_on_a_weekend_starts_the_next_working_day():
    assert phase_dates(date(2022, 7, 30), 1, DayRule.WORKING_DAYS)[0] == date(2022, 8, 1)


@pytest.mark.django_db
def test_cohort_from_the_latsar_template_follows_banten_2022():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    phases = list(cohort.phases.order_by("order"))
    assert [(p.start_date, p.end_date) for p in phases[:2]] == [
        (date(2022, 7, 8), date(2022, 7, 29)),  # MOOC, 16 working days
        (date(2022, 8, 1), date(2022, 8, 31)),  # distance learning, 22 working days
    ]
    assert sum(p.jp for p in phases) == 647
    assert cohort.start_date == phases[0].start_date
    assert cohort.end_date == phases[-1].end_date
