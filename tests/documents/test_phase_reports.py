"""Phase reports: attendance for a classical phase, milestone progress for actualization;
made on demand, and once automatically after the phase ends."""

import io
from datetime import date, timedelta

import pypdf
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cohorts.services import phase_days
from config.audit import EXPORT
from curriculum.models import PhaseKind
from documents.models import PhaseReport, ReportJob
from documents.phase_reports import phase_report_make, phase_reports_due
from documents.reports import report_job_run
from participants.services import attendance_record
from projects.models import Milestone

from ..factories import CohortFactory, enrol, staff_user, widyaiswara_user
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def text_of(report):
    return " ".join(pdf_text(report.pdf.read()).split())


def test_a_classical_phase_reports_each_participants_attendance(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    present, absent = enrol(cohort), enrol(cohort)
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    staff = staff_user()
    for day in phase_days(phase)[:3]:
        attendance_record(phase=phase, date=day, recorded_by=staff,
                          statuses={present.pk: "hadir", absent.pk: "alpa"})  # fmt: skip
    client.force_login(staff)
    response = client.post(reverse("documents:phase_report_request", args=[cohort.pk, phase.pk]))
    # Asked for, then made by a job (run here as the worker runs it; test_report_jobs.py runs
    # a real worker): the answer leads to the job's page, which offers the report.
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    report_job_run(job_id=job.pk)
    report = PhaseReport.objects.get()
    text = text_of(report)
    assert f"LAPORAN TAHAP {phase.name.upper()}" in text and f"{phase.jp} JP" in text
    assert present.participant.name in text and absent.participant.name in text
    assert "6 hari; tercatat hadir 3, izin 0, sakit 0, alpa 3; kehadiran 50,0%." in text
    url = reverse("documents:phase_report", args=[report.pk])
    assert client.get(url).status_code == 200
    # The download is in the audit log, with who took it.
    downloaded = LogEntry.objects.get(additional_data__event=EXPORT)
    assert downloaded.actor == staff
    assert downloaded.changes_text == f"Laporan tahap {phase.name} (PDF)"
    client.force_login(widyaiswara_user())
    assert client.get(url).status_code == 403


def test_actualization_reports_milestone_progress(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    enrolment = enrol(cohort)
    for n in range(4):
        Milestone.objects.create(
            project=enrolment.project, term="short", activity=f"Kegiatan {n}",
            actual_end=date(2022, 9, 1) if n < 3 else None,
        )  # fmt: skip
    phase = cohort.phases.get(kind=PhaseKind.ACTUALIZATION)
    text = text_of(phase_report_make(phase=phase))
    assert "3 / 4" in text and "Tonggak jangka pendek selesai: 3 dari 4" in text
    assert len(pypdf.PdfReader(io.BytesIO(PhaseReport.objects.get().pdf.read())).pages) == 1


def test_each_ended_phase_gets_one_automatic_report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    enrol(cohort)
    ended = cohort.phases.order_by("order").first()
    day_after = ended.end_date + timedelta(days=1)
    assert phase_reports_due(today=day_after) == 1
    assert phase_reports_due(today=day_after) == 0  # the scheduler running twice
    assert phase_reports_due(today=day_after + timedelta(days=1)) == 0
    [report] = PhaseReport.objects.all()
    assert report.automatic and report.phase == ended
