"""Sessions and attendance of classical phases, through the pages staff use on a phone."""

import re
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.models import ClassSession, CohortPhase
from cohorts.services import (
    ERROR_NOT_A_PHASE_DAY,
    ERROR_NOT_AT_CAMPUS,
    ERROR_RECORDS_OUTSIDE,
    phase_reschedule,
    session_add,
)
from participants.models import Attendance
from participants.services import attendance_record

from ..factories import CohortFactory, enrol, staff_user, widyaiswara_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def classical():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    phase = cohort.phases.get(kind="classical")
    return cohort, phase


def test_forty_participants_in_one_form(client, classical, django_assert_max_num_queries):
    cohort, phase = classical
    enrolments = [enrol(cohort) for _ in range(40)]
    staff = staff_user()
    client.force_login(staff)
    day = phase.start_date
    url = reverse("participants:attendance", args=[cohort.pk, phase.pk, day])
    page = client.get(url).content.decode()
    assert page.count('value="hadir"') == 40

    data = {f"status-{e.pk}": "hadir" for e in enrolments}
    data[f"status-{enrolments[0].pk}"] = "sakit"
    data[f"status-{enrolments[1].pk}"] = "izin"
    del data[f"status-{enrolments[2].pk}"]  # left empty: not recorded
    # session, user, permissions (2), phase; the phase's days: organiser; roster; statuses;
    # in the service: days, enrolled ids, existing rows, one bulk insert; savepoints
    with django_assert_max_num_queries(16):
        response = client.post(url, data)
    assert response.status_code == 302
    recorded = dict(Attendance.objects.filter(date=day).values_list("enrolment_id", "status"))
    assert len(recorded) == 39
    assert recorded[enrolments[0].pk] == "sakit"
    assert recorded[enrolments[1].pk] == "izin"
    assert enrolments[2].pk not in recorded

    # A correction the same day changes one row and keeps the others.
    data[f"status-{enrolments[0].pk}"] = "hadir"
    client.post(url, data)
    assert Attendance.objects.get(enrolment=enrolments[0], date=day).status == "hadir"
    assert Attendance.objects.filter(date=day).count() == 39


def test_a_day_outside_the_phase_has_no_attendance(client, classical):
    cohort, phase = classical
    enrolment = enrol(cohort)
    client.force_login(staff_user())
    sunday = date(2022, 10, 23)
    assert (
        client.get(
            reverse("participants:attendance", args=[cohort.pk, phase.pk, sunday])
        ).status_code
        == 404
    )
    with pytest.raises(ValidationError) as error:
        attendance_record(
            phase=phase, date=sunday, statuses={enrolment.pk: "hadir"}, recorded_by=None
        )
    assert error.value.messages == [
        str(ERROR_NOT_A_PHASE_DAY) % {"date": "23 Oktober 2022", "phase": "Klasikal"}
    ]


def test_staff_add_sessions_to_a_classical_day(client, classical):
    cohort, phase = classical
    teacher = widyaiswara_user(first_name="Dra. Siti", last_name="Rohmah, M.Pd.")
    client.force_login(staff_user())
    day = phase.start_date
    response = client.post(
        reverse("cohorts:session_add", args=[cohort.pk, phase.pk, day]),
        {"start_time": "08:00", "end_time": "11:45", "subject": "Kesiapsiagaan Bela Negara",
         "widyaiswara": teacher.pk, "room": "Aula"},
    )  # fmt: skip
    assert response.status_code == 302
    board = client.get(reverse("cohorts:phase_detail", args=[cohort.pk, phase.pk]))
    assert "Kesiapsiagaan Bela Negara" in board.content.decode()
    assert "Dra. Siti Rohmah, M.Pd." in board.content.decode()
    refused = client.post(
        reverse("cohorts:session_add", args=[cohort.pk, phase.pk, day]),
        {"start_time": "13:00", "end_time": "12:00", "subject": "Smart ASN"},
    )
    assert "Jam selesai harus sesudah jam mulai." in refused.content.decode()
    assert ClassSession.objects.count() == 1


def test_a_widyaiswara_teaching_a_session_sees_the_cohort_schedule(client, classical):
    cohort, phase = classical
    teacher = widyaiswara_user()
    client.force_login(teacher)
    url = reverse("cohorts:cohort_schedule", args=[cohort.pk])
    assert client.get(url).status_code == 403
    session_add(
        phase=phase, date=phase.start_date, start_time=time(8), end_time=time(10),
        subject="Smart ASN", widyaiswara=teacher,
    )  # fmt: skip
    assert client.get(url).status_code == 200


def test_a_phase_with_records_cannot_move_away_from_them(classical):
    cohort, phase = classical
    enrolment = enrol(cohort)
    attendance_record(
        phase=phase, date=phase.start_date, statuses={enrolment.pk: "hadir"}, recorded_by=None
    )
    with pytest.raises(ValidationError) as error:
        phase_reschedule(
            phase=phase,
            start_date=phase.start_date + timedelta(days=7),
            end_date=phase.end_date + timedelta(days=7),
        )
    assert error.value.messages == [
        str(ERROR_RECORDS_OUTSIDE) % {"phase": "Klasikal", "date": "13 Oktober 2022"}
    ]


def test_a_day_recorded_under_one_phase_can_be_recorded_again_under_another(classical):
    """One record per participant per day: a second phase on that day takes it over."""
    cohort, phase = classical
    enrolment = enrol(cohort)
    day = phase.start_date
    attendance_record(phase=phase, date=day, statuses={enrolment.pk: "izin"}, recorded_by=None)
    seminar = CohortPhase.objects.create(
        cohort=cohort, order=5, kind="seminar", name="Seminar", mode="campus", jp=8, days=1,
        day_rule="working", start_date=day, end_date=day,
    )  # fmt: skip
    attendance_record(phase=seminar, date=day, statuses={enrolment.pk: "hadir"}, recorded_by=None)
    record = Attendance.objects.get(enrolment=enrolment, date=day)
    assert (record.phase, record.status) == (seminar, "hadir")


def test_attendance_only_for_campus_days_that_have_come(classical):
    cohort, phase = classical
    enrolment = enrol(cohort)
    online = cohort.phases.get(kind="mooc")
    with pytest.raises(ValidationError) as error:
        attendance_record(
            phase=online, date=online.start_date, statuses={enrolment.pk: "hadir"},
            recorded_by=None,
        )  # fmt: skip
    assert error.value.messages == [str(ERROR_NOT_AT_CAMPUS)]

    today = timezone.localdate()
    upcoming = CohortFactory(start_date=today + timedelta(days=10), year=today.year)
    future_classical = upcoming.phases.get(kind="classical")
    later = enrol(upcoming)
    with pytest.raises(ValidationError) as error:
        attendance_record(
            phase=future_classical, date=future_classical.start_date,
            statuses={later.pk: "hadir"}, recorded_by=None,
        )  # fmt: skip
    assert "belum dapat dicatat: hari itu belum tiba" in error.value.messages[0]


def test_a_refused_row_is_marked_and_the_other_choices_stay(client, classical):
    cohort, phase = classical
    first, second, third = (enrol(cohort) for _ in range(3))
    client.force_login(staff_user())
    day = phase.start_date
    url = reverse("participants:attendance", args=[cohort.pk, phase.pk, day])
    response = client.post(
        url,
        {f"status-{first.pk}": "sakit", f"status-{second.pk}": "terlambat",
         f"status-{third.pk}": "izin"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    for enrolment, status in ((first, "sakit"), (third, "izin")):
        chosen = (
            rf'name="status-{enrolment.pk}" id="[^"]+" value="{status}" autocomplete="off" checked'
        )
        assert re.search(chosen, page), status
    assert f"{second.participant.name}, Kehadiran: pilih Hadir, Izin, Sakit, atau Alpa." in page
    marked = [tag for tag in page.split("<input")[1:] if "is-invalid" in tag.split(">")[0]]
    assert marked and all(f'name="status-{second.pk}"' in tag for tag in marked)
    assert "Belum ada presensi yang disimpan" in page
    assert not Attendance.objects.exists()
