"""The LAN report pack of a cohort, as staff download it for LAN: the cohort's facts, every
participant's result and STTP number, attendance, the teachers' JP and, once five have
answered, the evaluation summary."""

import io
from datetime import time, timedelta

import openpyxl
import pytest
from django.urls import reverse

from cohorts.services import cohort_total_jp, session_add
from documents.issuing import certificate_ensure, certificate_revoke
from participants.models import Attendance, Enrolment
from participants.services import participant_account_ensure

from ..factories import PASSWORD, TrainingAgencyFactory, administrator_user, staff_user
from ..participants.test_evaluations import answer, world  # noqa: F401
from ..pdf_tools import pdf_text
from .test_final_report import scored_cohort

pytestmark = pytest.mark.django_db


def lan_cohort(size):
    """A scored cohort (the first participant fails with 66.00, the others pass with 84.00
    Memuaskan), the passing ones with their STTP, two sessions a day recorded for three days
    and one session taught by a widyaiswara."""
    cohort = scored_cohort(size)
    classical = cohort.phases.get(kind="classical")
    enrolments = list(cohort.enrolments.select_related("participant").order_by("pk"))
    first = enrolments[0]
    for enrolment in enrolments[1:]:
        enrolment.status = Enrolment.Status.PASSED
        enrolment.save(update_fields=["status"])
        certificate_ensure(enrolment=enrolment)
    Attendance.objects.bulk_create(
        Attendance(
            enrolment=e,
            phase=classical,
            date=classical.start_date + timedelta(days=n),
            status="alpa" if e == first and n == 0 else "hadir",
        )
        for e in enrolments
        for n in range(3)
    )
    coach = first.coach
    session_add(
        phase=classical, date=classical.start_date, start_time=time(8), end_time=time(11),
        subject="Wawasan kebangsaan", widyaiswara=coach, jp=4,
    )  # fmt: skip
    return cohort


def workbook(client, cohort):
    response = client.get(reverse("documents:lan_report_xlsx", args=[cohort.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_xlsx_has_every_participant_with_result_and_sttp(client):
    cohort = lan_cohort(4)
    client.force_login(staff_user())
    book = workbook(client, cohort)
    rows = list(book["Peserta"].iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "No")
    assert rows[header_at] == ("No", "NIP", "Nama Lengkap dan Gelar", "Instansi", "Nilai Akhir",
                               "Predikat", "Hasil", "Nomor STTP")  # fmt: skip
    people = rows[header_at + 1 :]
    assert len(people) == 4
    by_nip = {row[1]: row for row in people}
    for enrolment in cohort.enrolments.select_related("participant", "certificate"):
        row = by_nip[enrolment.participant.nip_display]
        certificate = getattr(enrolment, "certificate", None)
        if certificate is None:  # the failing one
            assert row[4] == 66.0 and row[5] == "Kurang Memuaskan" and not row[7]
        else:
            assert row[4] == 84.0 and row[5] == "Memuaskan" and row[6] == "Lulus"
            assert row[7] == certificate.number
    assert sum(1 for row in people if row[7]) == 3
    title = " ".join(str(row[0]) for row in rows[:header_at] if row[0])
    assert str(cohort) in title and f"Jumlah JP: {cohort_total_jp(cohort)}" in title


def test_the_xlsx_has_attendance_and_teachers_but_no_evaluation_without_answers(client):
    cohort = lan_cohort(3)
    client.force_login(staff_user())
    book = workbook(client, cohort)
    assert "Evaluasi" not in book.sheetnames
    attendance = list(book["Kehadiran"].iter_rows(values_only=True))
    assert attendance[0][:6] == ("NIP", "Nama", "Hadir", "Izin/sakit", "Tanpa keterangan",
                                 "Hari tercatat")  # fmt: skip
    assert sorted(row[2:6] for row in attendance[1:]) == [(2, 0, 1, 3), (3, 0, 0, 3), (3, 0, 0, 3)]
    teachers = list(book["Pengajar"].iter_rows(values_only=True))
    assert teachers[0] == ("Pengajar", "Peran", "Sesi", "JP")
    assert teachers[1][1:] == ("Widyaiswara", 1, 4)
    assert teachers[-1] == ("Jumlah", None, 1, 4)


def test_the_evaluation_summary_appears_once_five_have_answered(client, world):  # noqa: F811
    client.force_login(staff_user())
    cohort = world["cohort"]
    for enrolment in world["enrolments"][:4]:
        answer(world, enrolment, value=60)
    assert "Evaluasi" not in workbook(client, cohort).sheetnames
    text = pdf_text(client.get(reverse("documents:lan_report_pdf", args=[cohort.pk])).content)
    assert "Ringkasan evaluasi" not in text
    answer(world, world["enrolments"][4], value=100)
    rows = list(workbook(client, cohort)["Evaluasi"].iter_rows(values_only=True))
    assert rows[0] == ("Pengajar / penyelenggara", "Rata-rata", "Jawaban")
    # (4 × 60 + 100) / 5 = 68
    assert ("Dra. Sri Lestari", 68.0, 5) in rows and ("Penyelenggara", 68.0, 5) in rows
    teachers = list(workbook(client, cohort)["Pengajar"].iter_rows(values_only=True))
    assert {row[0] for row in teachers[1:-1]} == {"Dra. Sri Lestari", "Prof. Dr. Ahmad Narasumber"}
    text = " ".join(
        pdf_text(client.get(reverse("documents:lan_report_pdf", args=[cohort.pk])).content).split()
    )
    assert "Ringkasan evaluasi" in text and "68,00" in text


def test_the_pdf_has_the_organiser_program_dates_and_jp(client):
    cohort = lan_cohort(3)
    client.force_login(administrator_user())
    response = client.get(reverse("documents:lan_report_pdf", args=[cohort.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert cohort.organiser.name in text and cohort.program.name in text
    start = cohort.start_date
    assert f"{start.day} Juli {start.year}" in text
    assert f"{cohort_total_jp(cohort)} JP" in text
    number = cohort.enrolments.filter(certificate__isnull=False).first().certificate.number
    # The number may wrap at a slash in its narrow column: read without the line breaks.
    assert number in "".join(text.split()) and "84,00" in text and "Jumlah JP diajar" in text


def test_only_the_cohorts_own_staff_get_the_pack(client):
    cohort = scored_cohort(1)
    urls = [reverse(f"documents:lan_report_{kind}", args=[cohort.pk]) for kind in ("xlsx", "pdf")]
    client.force_login(staff_user(institutions=[TrainingAgencyFactory()]))
    assert [client.get(url).status_code for url in urls] == [404, 404]
    participant = cohort.enrolments.get().participant
    client.force_login(participant_account_ensure(participant=participant, password=PASSWORD))
    assert [client.get(url).status_code for url in urls] == [403, 403]


@pytest.mark.parametrize("size", [3, 12])
def test_the_pack_costs_the_same_whatever_the_cohort(client, django_assert_num_queries, size):
    cohort = lan_cohort(size)
    client.force_login(staff_user())
    url = reverse("documents:lan_report_xlsx", args=[cohort.pk])
    # No query per participant, session, teacher or answer: session, user, permissions; the
    # cohort; the finals (components, bands, scores, enrolments); the evaluation (phases,
    # sessions, enrolled, submissions, answers twice, comments); the JP (phases); attendance;
    # the teachers; the export's audit entry.
    with django_assert_num_queries(20):
        assert client.get(url).status_code == 200


def test_a_revoked_sttp_has_no_number_in_the_pack(client):
    cohort = lan_cohort(2)
    staff = staff_user()
    certificate = cohort.enrolments.get(certificate__isnull=False).certificate
    certificate_revoke(certificate=certificate, actor=staff, reason="Data peserta salah")
    client.force_login(staff)
    rows = list(workbook(client, cohort)["Peserta"].iter_rows(values_only=True))
    assert certificate.number not in {row[7] for row in rows}
