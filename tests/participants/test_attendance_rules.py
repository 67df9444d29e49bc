"""Attendance that warns: the program's thresholds, each participant's figures counted in SQL,
the warning list on the cohort page, a participant's own attendance on their phone, and the
recap staff download."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse

from curriculum.models import ERROR_PERCENT_ABOVE_100
from participants.attendance import (
    attendance_recap,
    attendance_rows,
    attendance_warnings,
)
from participants.models import Attendance, Enrolment
from participants.services import participant_account_ensure

from ..factories import PASSWORD, CohortFactory, TrainingAgencyFactory, enrol, staff_user

pytestmark = pytest.mark.django_db

H, E, S, A = "hadir", "izin", "sakit", "alpa"  # E: excused (izin)


def record(enrolment, phase, statuses, start=date(2022, 10, 13)):
    """Days recorded one after another, as the attendance form leaves them."""
    Attendance.objects.bulk_create(
        Attendance(enrolment=enrolment, phase=phase, date=start + timedelta(days=n), status=s)
        for n, s in enumerate(statuses)
    )


@pytest.fixture
def cohort():
    return CohortFactory(start_date=date(2022, 7, 8))


def by_name(recap):
    return {e.participant.name: e for e in attendance_rows(recap)}


def test_thresholds_on_their_edges(cohort, django_assert_num_queries):
    phase = cohort.phases.get(kind="classical")
    people = {}
    cases = {
        # three alpa of 30 days: allowed (90 % exactly); a fourth crosses both rules
        "Tiga Alpa": [A] * 3 + [H] * 27,
        "Empat Alpa": [A] * 4 + [H] * 36,
        # 9 of 10 present: 90 % exactly is enough; 8 of 10 with leave is too low, no alpa
        "Sembilan Puluh": [H] * 9 + [E],
        "Delapan Puluh": [H] * 8 + [E, S],
        "Belum Tercatat": [],
    }
    for name, statuses in cases.items():
        enrolment = enrol(cohort)
        enrolment.participant.name = name
        enrolment.participant.save(update_fields=["name"])
        record(enrolment, phase, statuses)
        people[name] = enrolment
    with django_assert_num_queries(1):  # one aggregate query whatever the cohort's size
        rows = by_name(attendance_recap(cohort))
    assert (rows["Tiga Alpa"].absent, rows["Tiga Alpa"].percent) == (3, 90)
    assert rows["Tiga Alpa"].crossed == []
    assert rows["Empat Alpa"].absent == 4
    assert rows["Empat Alpa"].crossed == ["absences"]  # 36 of 40: 90 %, still enough
    assert rows["Sembilan Puluh"].crossed == [] and rows["Sembilan Puluh"].leave == 1
    low = rows["Delapan Puluh"]
    assert (low.present, low.leave, low.absent, low.percent) == (8, 2, 0, 80)
    assert low.crossed == ["percent"]  # leave is not alpa, but lowers the percentage
    assert rows["Belum Tercatat"].percent is None and rows["Belum Tercatat"].crossed == []

    with django_assert_num_queries(1):
        warned = [e.participant.name for e in attendance_warnings(cohort)]
    assert warned == ["Delapan Puluh", "Empat Alpa"]

    # Withdrawn participants are not warned about; a stricter program warns more.
    Enrolment.objects.filter(pk=people["Empat Alpa"].pk).update(status="withdrawn")
    cohort.program.max_unexcused_absences, cohort.program.min_attendance_percent = 2, 91
    warned = [e.participant.name for e in attendance_warnings(cohort)]
    assert warned == ["Delapan Puluh", "Sembilan Puluh", "Tiga Alpa"]


def test_a_phase_counts_only_its_own_days(cohort):
    classical = cohort.phases.get(kind="classical")
    other = cohort.phases.get(kind="actualization")
    enrolment = enrol(cohort)
    record(enrolment, classical, [H] * 5)
    record(enrolment, other, [A] * 4, start=date(2022, 9, 1))
    assert [e.pk for e in attendance_warnings(cohort)] == [enrolment.pk]
    assert list(attendance_warnings(cohort, phase=classical)) == []
    (row,) = attendance_rows(attendance_recap(cohort, phase=classical))
    assert (row.present, row.recorded, row.percent) == (5, 5, 100)


def test_staff_set_the_thresholds_where_they_edit_a_program(client, cohort):
    program = cohort.program
    client.force_login(staff_user())
    url = reverse("curriculum:program_edit", args=[program.code])
    page = client.get(url).content.decode()
    assert 'name="max_unexcused_absences"' in page and 'value="90"' in page
    data = {
        "name": program.name,
        "code": program.code,
        "former_name": program.former_name,
        "position_level": program.position_level,
        "project_label": program.project_label,
        "default_capacity": program.default_capacity,
        "angkatan_style": program.angkatan_style,
        "max_unexcused_absences": 2,
        "min_attendance_percent": 120,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # refused, what was typed kept
    assert str(ERROR_PERCENT_ABOVE_100) in response.content.decode()
    assert 'value="120"' in response.content.decode()
    program.refresh_from_db()
    assert (program.max_unexcused_absences, program.min_attendance_percent) == (3, 90)
    data["min_attendance_percent"] = 85
    assert client.post(url, data).status_code == 302
    program.refresh_from_db()
    assert (program.max_unexcused_absences, program.min_attendance_percent) == (2, 85)


def named(cohort, name, statuses, phase=None, participant=None):
    enrolment = enrol(cohort, participant=participant)
    enrolment.participant.name = name
    enrolment.participant.save(update_fields=["name"])
    record(enrolment, phase or cohort.phases.get(kind="classical"), statuses)
    return enrolment


def test_the_cohort_page_lists_who_crosses_and_links_to_the_full_list(client, cohort):
    named(cohort, "Ani Alpa", [A] * 4 + [H] * 6)
    named(cohort, "Budi Rajin", [H] * 10)
    named(cohort, "Citra Izin", [H] * 8 + [E, E])
    client.force_login(staff_user())
    page = client.get(cohort.get_absolute_url()).content.decode()
    block = page[page.index('id="attendance-warnings"') :]
    block = block[: block.index("</ul>")]
    assert "Ani Alpa" in block and "Citra Izin" in block and "Budi Rajin" not in block
    assert "60,0%" in block and "alpa &gt; 3 hari" in block and "kehadiran &lt; 90%" in block

    recap = reverse("participants:attendance_recap", args=[cohort.pk])
    assert f"{recap}?melewati=1" in block
    full = client.get(recap, {"melewati": "1"}).content.decode()
    assert "Ani Alpa" in full and "Citra Izin" in full and "Budi Rajin" not in full
    assert "Budi Rajin" in client.get(recap).content.decode()


def test_the_cohort_page_caps_its_warning_list(client, cohort):
    for n in range(12):
        named(cohort, f"Peserta {n:02}", [A] * 4)
    client.force_login(staff_user())
    page = client.get(cohort.get_absolute_url()).content.decode()
    block = page[page.index('id="attendance-warnings"') :]
    block = block[: block.index("</ul>")]
    assert block.count("list-group-item") == 10
    assert "Peserta 09" in block and "Peserta 10" not in block
    assert "Lihat semua yang melewati batas" in block


@pytest.mark.parametrize("size", [3, 30])
def test_the_recap_costs_the_same_whatever_the_cohort(
    client, cohort, django_assert_num_queries, size
):
    for n in range(size):
        named(cohort, f"Peserta {n:02}", [A] * (n % 5) + [H] * 5)
    client.force_login(staff_user())
    recap = reverse("participants:attendance_recap", args=[cohort.pk])
    # session, user, permissions (2), the cohort with its program and organisers, the count
    # for the pages, the page of the recap (one aggregate query), the organiser's closed days
    # and the campus phases (the sign-in sheets' days), the menu's groups
    with django_assert_num_queries(10):
        page = client.get(recap).content.decode()
    classical = cohort.phases.get(kind="classical")
    sheet = reverse("documents:sign_in_sheet", args=[cohort.pk, classical.pk, classical.end_date])
    assert sheet in page  # a sheet for every campus day, printed before the day
    # session, user, permissions (2), the cohort, the recap (one aggregate query), the audit row
    # (its content type read once per process, before)
    export = reverse("participants:attendance_recap_export", args=[cohort.pk])
    client.get(export)
    with django_assert_num_queries(7):
        assert client.get(export).status_code == 200


def test_the_recap_xlsx_has_each_participants_counts(client, cohort):
    named(cohort, "Ani Alpa", [A] * 4 + [H] * 6)
    named(cohort, "Budi Rajin", [H] * 9 + [S])
    gone = named(cohort, "Dodi Mundur", [A] * 5)
    Enrolment.objects.filter(pk=gone.pk).update(status="withdrawn")
    client.force_login(staff_user())
    response = client.get(reverse("participants:attendance_recap_export", args=[cohort.pk]))
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "No"]
    assert rows, "the header row"
    values = list(sheet.iter_rows(values_only=True))
    body = values[values.index(rows[0]) + 1 :]
    by_name = {row[2]: row for row in body}
    ani, budi, dodi = by_name["Ani Alpa"], by_name["Budi Rajin"], by_name["Dodi Mundur"]
    # hadir, izin/sakit, alpa, recorded, percent, crossed
    assert ani[5:] == (6, 0, 4, 10, 60, "alpa lebih dari 3 hari; kehadiran di bawah 90%")
    assert budi[5:] == (9, 1, 0, 10, 90, None)
    assert dodi[4] == "Mengundurkan diri" and dodi[7] == 5 and dodi[10] is None


def test_another_agencys_staff_get_404(client, cohort):
    named(cohort, "Ani Alpa", [A] * 4)
    client.force_login(staff_user(institutions=[TrainingAgencyFactory(code="lain")]))
    for name in ("participants:attendance_recap", "participants:attendance_recap_export"):
        assert client.get(reverse(name, args=[cohort.pk])).status_code == 404


def test_a_participant_sees_their_own_attendance_and_the_rule(client, cohort):
    mine = named(cohort, "Ani Alpa", [A] * 4 + [H] * 6)
    named(cohort, "Budi Lain", [E] * 7)
    user = participant_account_ensure(participant=mine.participant, password=PASSWORD)
    client.force_login(user)
    response = client.get(reverse("participants:my_schedule"))
    page = response.content.decode()
    assert "alpa paling banyak 3 hari" in page and "paling sedikit 90%" in page
    standing = page[page.index('id="my-attendance-standing"') :]
    assert "Kehadiran Anda 60,0%" in standing[:400]
    assert "lebih dari 3 hari" in standing[:600]
    assert "Budi Lain" not in page
    assert len(response.content) < 60_000  # light enough for a phone on a slow network
    # The staff pages are not theirs.
    recap = reverse("participants:attendance_recap", args=[cohort.pk])
    assert client.get(recap).status_code == 403
