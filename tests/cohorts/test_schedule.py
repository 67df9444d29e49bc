"""Moving phases, counting days, and the staff schedule page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.models import NonWorkingDay
from cohorts.selectors import cohort_schedule
from cohorts.services import ERROR_OVERLAPS_NEXT, ERROR_OVERLAPS_PREVIOUS, phase_reschedule

from ..factories import CohortFactory, ProgramFactory, TrainingAgencyFactory, enrol, staff_user

pytestmark = pytest.mark.django_db


def phases(cohort):
    return list(cohort.phases.order_by("order"))


def test_an_organisers_own_holiday_is_skipped():
    organiser = TrainingAgencyFactory()
    # A provincial holiday on Tuesday 12 July 2022, inside the MOOC weeks.
    NonWorkingDay.objects.create(institution=organiser, date=date(2022, 7, 12), name="Hari jadi")
    cohort = CohortFactory(organiser=organiser, start_date=date(2022, 7, 8))
    mooc = phases(cohort)[0]
    assert (mooc.start_date, mooc.end_date) == (date(2022, 7, 8), date(2022, 8, 1))


def test_a_move_that_overlaps_the_phase_before_is_refused_with_the_dates():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    mooc, distance, *_ = phases(cohort)
    with pytest.raises(ValidationError) as error:
        phase_reschedule(phase=distance, start_date=date(2022, 7, 29), end_date=date(2022, 8, 31))
    assert error.value.messages == [
        str(ERROR_OVERLAPS_PREVIOUS)
        % {"phase": "Pembelajaran jarak jauh", "other": "MOOC", "date": "29 Juli 2022"}
    ]
    assert phases(cohort)[1].start_date == date(2022, 8, 1)


def test_a_move_into_the_next_phase_is_refused_unless_later_phases_shift():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    _, distance, actualization, classical = phases(cohort)
    with pytest.raises(ValidationError) as error:
        phase_reschedule(phase=distance, start_date=date(2022, 8, 1), end_date=date(2022, 9, 2))
    assert error.value.messages == [
        str(ERROR_OVERLAPS_NEXT)
        % {"phase": "Pembelajaran jarak jauh", "other": "Aktualisasi", "date": "1 September 2022"}
    ]

    moved = phase_reschedule(
        phase=distance, start_date=date(2022, 8, 1), end_date=date(2022, 9, 2), shift_later=True
    )
    assert moved == 3
    _, distance, actualization, classical = phases(cohort)
    # 30 working days from Monday 5 September; then six days, Monday to Saturday.
    assert (actualization.start_date, actualization.end_date) == (
        date(2022, 9, 5),
        date(2022, 10, 14),
    )
    assert (classical.start_date, classical.end_date) == (date(2022, 10, 15), date(2022, 10, 21))
    assert [p.sequence for p in phases(cohort)] == [0, 1, 1, 1]
    cohort.refresh_from_db()
    assert cohort.end_date == date(2022, 10, 21)


def test_the_schedule_shows_when_counted_days_differ_from_the_template():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    distance = phases(cohort)[1]
    phase_reschedule(phase=distance, start_date=date(2022, 8, 1), end_date=date(2022, 8, 26))
    rows = cohort_schedule(cohort, date(2022, 8, 10)).rows
    assert [(row.counted_days, row.differs) for row in rows] == [
        (16, False),
        (19, True),  # 1-26 August: 20 weekdays less Independence Day
        (30, False),
        (6, False),
    ]
    assert [row.is_current for row in rows] == [False, True, False, False]


def test_staff_move_a_phase_on_the_page_and_later_phases_follow(client):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    classical = phases(cohort)[3]
    actualization = phases(cohort)[2]
    client.force_login(staff_user())
    url = reverse("cohorts:phase_edit", args=[cohort.pk, actualization.pk])
    response = client.post(
        url, {"start_date": "2022-09-01", "end_date": "2022-10-14", "shift_later": "on"}
    )
    assert response.status_code == 302
    classical.refresh_from_db()
    assert classical.start_date == date(2022, 10, 15)
    refused = client.post(url, {"start_date": "2022-08-30", "end_date": "2022-10-14"})
    assert "tidak boleh mulai sebelum Pembelajaran jarak jauh selesai" in refused.content.decode()


@pytest.mark.parametrize(("phase_count", "participants"), [(2, 3), (7, 40)])
def test_schedule_page_queries_do_not_grow(
    client, django_assert_max_num_queries, phase_count, participants
):
    program = ProgramFactory(
        code=f"p{phase_count}",
        phases=[("mooc", f"Tahap {n}", 10, 5, "working") for n in range(phase_count)],
    )
    today = timezone.localdate()
    cohort = CohortFactory(program=program, start_date=today - timedelta(days=3), year=today.year)
    for _ in range(participants):
        enrol(cohort)
    client.force_login(staff_user())
    # session, user, permissions (2), role names; the cohort; its phases; organiser's days
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cohorts:cohort_schedule", args=[cohort.pk]))
    assert response.content.decode().count("Ubah tanggal") == phase_count
