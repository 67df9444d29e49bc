"""Jadwal saya: a participant's own phases, today's place in them, and their attendance."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.services import attendance_record, participant_account_ensure

from ..factories import CohortFactory, ProgramFactory, enrol, staff_user, start_running_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """A cohort whose distance learning runs today, with two participants."""
    today = timezone.localdate()
    program = ProgramFactory()
    cohort = CohortFactory(
        program=program, start_date=start_running_today(program, today), year=today.year
    )
    mine, other = enrol(cohort), enrol(cohort)
    return cohort, mine, other


def login(client, enrolment):
    client.force_login(participant_account_ensure(participant=enrolment.participant))


def test_jadwal_saya_shows_todays_phase_and_what_comes_next(client, running):
    cohort, mine, _ = running
    login(client, mine)
    today = timezone.localdate()
    current = cohort.phases.get(start_date__lte=today, end_date__gte=today)
    upcoming = cohort.phases.filter(start_date__gt=today).order_by("order").first()
    page = client.get(reverse("participants:my_schedule")).content.decode()
    assert f'<p class="h5 mb-1">{current.name}</p>' in page
    assert f'<p class="h5 mb-1">{upcoming.name}</p>' in page
    assert "Tinggal" in page
    assert mine.participant.agency.name in page  # where actualization happens


def test_a_participant_sees_only_their_own_attendance(client):
    past = CohortFactory(start_date=date(2022, 7, 8))
    mine, other = enrol(past), enrol(past)
    classical = past.phases.get(kind="classical")
    attendance_record(
        phase=classical, date=classical.start_date, statuses={mine.pk: "sakit", other.pk: "alpa"},
        recorded_by=staff_user(),
    )  # fmt: skip
    login(client, mine)
    page = client.get(reverse("participants:my_schedule")).content.decode()
    summary = " ".join(page.split())
    assert "Hadir 0 · Izin 0 · Sakit 1 · Alpa 0" in summary
    assert page.count("<span>Sakit</span>") == 1
    assert "<span>Alpa</span>" not in page


def test_choosing_another_participants_cohort_shows_nothing_of_it(client, running):
    cohort, mine, _ = running
    elsewhere = CohortFactory(start_date=cohort.start_date)
    login(client, mine)
    page = client.get(
        reverse("participants:my_schedule"), {"angkatan": elsewhere.pk}
    ).content.decode()
    assert str(cohort) in page
    assert str(elsewhere) not in page


def test_jadwal_saya_costs_the_same_for_any_cohort(client, django_assert_max_num_queries, running):
    cohort, mine, _ = running
    for _ in range(30):
        enrol(cohort)
    login(client, mine)
    # session, user, role names; participant; enrolments; phases; organiser's days; attendance
    with django_assert_max_num_queries(9):
        response = client.get(reverse("participants:my_schedule"))
    assert response.status_code == 200


def test_jadwal_saya_is_for_participants_only(client):
    assert client.get(reverse("participants:my_schedule")).status_code == 302
    client.force_login(staff_user())
    assert client.get(reverse("participants:my_schedule")).status_code == 403
