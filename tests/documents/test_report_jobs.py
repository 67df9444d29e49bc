"""Reports made by a real Celery worker process (issue 15): staff ask, the job's page shows
its progress, then the file, read back as a real PDF or XLSX. The same report is not made
twice while the grades stay the same; a failed job is made again on request."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cohorts.services import phase_days
from curriculum.models import PhaseKind
from documents.models import PhaseReport, ReportJob
from participants.services import attendance_record

from ..conftest import wait_for
from ..factories import (
    CohortFactory,
    TrainingAgencyFactory,
    administrator_user,
    enrol,
    staff_user,
)
from ..pdf_tools import pdf_text
from ..workers import CeleryWorker
from .test_final_report import scored_cohort
from .test_report_job_rules import attitude_change

pytestmark = pytest.mark.worker

Status = ReportJob.Status


def finished(job, worker):
    def done():
        job.refresh_from_db()
        return job.is_finished

    wait_for(done, message=f"report job {job.pk}; worker log:\n{worker.output()}")
    return job


def asked(client, url, method="get"):
    """Ask for a report as the page's link or button does: the answer leads to its job."""
    response = getattr(client, method)(url)
    assert response.status_code == 302, response
    job = ReportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert response["Location"] == job.get_absolute_url()
    return job


def downloaded(client, job):
    response = client.get(reverse("documents:report_job_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_final_report_is_made_once_until_the_grades_change(celery_worker, client):
    cohort = scored_cohort(4)
    staff = staff_user()
    client.force_login(staff)
    url = reverse("documents:final_report", args=[cohort.pk])
    job = asked(client, url)
    # The page shows the progress bar and polls the status (the certificate batch's script).
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'role="progressbar"' in page and "js/batch.js" in page
    assert reverse("documents:report_job_status", args=[job.pk]) in page
    finished(job, celery_worker)
    assert job.status == Status.DONE, job.error
    assert (job.done, job.total, job.requested_by) == (4, 4, staff)
    status = client.get(reverse("documents:report_job_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["count_label"] == "4 baris"
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("documents:report_job_download", args=[job.pk]) in page
    data = downloaded(client, job)
    text = " ".join(pdf_text(data).split())
    assert f"ANGKATAN {cohort.angkatan_label}" in text and "Jumlah peserta 4" in text
    # 0.4*90 + 0.6*80 = 84.00; the first: 0.4*90 + 0.6*50 = 66.00, failing
    assert text.count("84,00") == 3 and "66,00" in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1
    # The download is in the audit log, with who took it.
    entry = LogEntry.objects.filter(changes_text="Laporan akhir (PDF)").get()
    assert entry.actor == staff

    # Asked again with the same grades: the same job and file, nothing queued.
    assert asked(client, url) == job
    assert ReportJob.objects.count() == 1

    # A grade changes: a new report, with the new score.
    attitude_change(cohort, Decimal("40"))
    again = asked(client, url)
    assert again != job
    finished(again, celery_worker)
    assert again.status == Status.DONE, again.error
    assert again.file.name != job.file.name
    text = " ".join(pdf_text(downloaded(client, again)).split())
    # 0.4*40 + 0.6*50 = 46.00
    assert "46,00" in text and "66,00" not in text


def test_the_final_report_spreadsheet_and_its_scope(celery_worker, client):
    cohort = scored_cohort(3)
    client.force_login(staff_user())
    job = finished(asked(client, reverse("documents:final_report_xlsx", args=[cohort.pk])),
                   celery_worker)  # fmt: skip
    assert job.status == Status.DONE, job.error
    rows = list(openpyxl.load_workbook(io.BytesIO(downloaded(client, job))).active.values)
    header_at = next(i for i, row in enumerate(rows) if row[0] == "NIP")
    body = rows[header_at + 1 :]
    names = sorted(e.participant.name for e in cohort.enrolments.select_related("participant"))
    assert sorted(row[1] for row in body) == names
    assert sorted(float(row[-4]) for row in body) == [66.0, 84.0, 84.0]
    # Another agency's staff find neither the job nor its file.
    client.force_login(staff_user(institutions=[TrainingAgencyFactory()], username="lain"))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents:report_job_download", args=[job.pk])).status_code == 404


def test_a_phase_report_is_a_job_listed_with_the_phase(celery_worker, client):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    present, absent = enrol(cohort), enrol(cohort)
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    staff = staff_user()
    for day in phase_days(phase)[:3]:
        attendance_record(phase=phase, date=day, recorded_by=staff,
                          statuses={present.pk: "hadir", absent.pk: "alpa"})  # fmt: skip
    client.force_login(staff)
    url = reverse("documents:phase_report_request", args=[cohort.pk, phase.pk])
    job = finished(asked(client, url, "post"), celery_worker)
    assert job.status == Status.DONE, job.error
    text = " ".join(pdf_text(downloaded(client, job)).split())
    assert present.participant.name in text and absent.participant.name in text
    assert "6 hari; tercatat hadir 3, izin 0, sakit 0, alpa 3; kehadiran 50,0%." in text
    # Listed with the phase's reports, the same stored file.
    report = PhaseReport.objects.get()
    assert job.phase_report == report and report.pdf.name == job.file.name
    response = client.get(reverse("documents:phase_report", args=[report.pk]))
    assert b"".join(response.streaming_content) == downloaded(client, job)
    # Attendance changes: the next request is a new report.
    assert asked(client, url, "post") == job
    attendance_record(phase=phase, date=phase_days(phase)[3], recorded_by=staff,
                      statuses={present.pk: "hadir"})  # fmt: skip
    assert asked(client, url, "post") != job


def test_the_audit_log_export_is_a_job_for_administrators(celery_worker, client):
    admin = administrator_user()
    client.force_login(admin)
    staff_user(username="dicari")
    job = asked(client, reverse("documents:audit_log_export", args=["xlsx"]) + "?q=dicari")
    assert job.params == {"q": "dicari"}
    finished(job, celery_worker)
    assert job.status == Status.DONE, job.error
    rows = list(openpyxl.load_workbook(io.BytesIO(downloaded(client, job))).active.values)
    assert rows[0][0] == "Log audit Angkatan"
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Waktu (WIB)")
    body = rows[header_at + 1 :]
    assert body and all("dicari" in row[3] for row in body)
    csv_job = finished(asked(client, reverse("documents:audit_log_export", args=["csv"])),
                       celery_worker)  # fmt: skip
    assert downloaded(client, csv_job).startswith("\ufeffWaktu (WIB),Oleh".encode())


def test_a_failed_report_is_made_again_on_request(
    transactional_db, client, tmp_path, worker_site_url
):
    cohort = scored_cohort(2)
    client.force_login(staff_user())
    url = reverse("documents:final_report_xlsx", args=[cohort.pk])
    # The first worker cannot store anything (as with a full disk or a read-only volume): its
    # media folder is a file. It runs alone, so the request is its job, whatever the storage
    # of the run (a folder, or the bucket of TEST_S3).
    blocked = tmp_path / "media"
    blocked.write_text("bukan folder")
    broken = CeleryWorker(tmp_path / "broken.log", worker_site_url, media_root=blocked)
    try:
        broken.wait_ready()
        job = finished(asked(client, url), broken)
    finally:
        broken.stop()
    assert job.status == Status.FAILED and job.error.startswith("Laporan gagal dibuat:")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Coba lagi" in page
    # A worker on the run's own storage takes the retry.
    worker = CeleryWorker(tmp_path / "worker.log", worker_site_url)
    try:
        worker.wait_ready()
        response = client.post(reverse("documents:report_job_retry", args=[job.pk]))
        assert response["Location"] == job.get_absolute_url()
        finished(job, worker)
    finally:
        worker.stop()
    assert job.status == Status.DONE, job.error
    assert job.error == "" and job.attempts == 2
    rows = list(openpyxl.load_workbook(io.BytesIO(downloaded(client, job))).active.values)
    assert sum(1 for row in rows if row[0] and str(row[0])[:1].isdigit()) == 2
