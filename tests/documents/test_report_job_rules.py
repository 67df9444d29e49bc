"""Report jobs without a worker: who may open them, when a request reuses a job, the
fingerprint's single query, progress in chunks, a stalled job, and the files the service
writes (called directly, as the worker does)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from documents.final_report import final_report_table
from documents.models import ReportJob
from documents.reports import (
    ERROR_STALLED,
    report_fingerprint,
    report_job_request,
    report_job_run,
)
from participants.models import Enrolment
from projects.gradebook import component_scores_record
from projects.models import ScoreComponent

from ..factories import (
    AgencyFactory,
    TrainingAgencyFactory,
    administrator_user,
    staff_user,
    widyaiswara_user,
)
from .test_final_report import scored_cohort

pytestmark = pytest.mark.django_db

Kind, Status = ReportJob.Kind, ReportJob.Status


def attitude_change(cohort, score):
    """The first participant's attitude score (90 in scored_cohort) changed, with a reason."""
    attitude = ScoreComponent.objects.get(program=cohort.program, code="sikap")
    key = (cohort.enrolments.order_by("pk").first().pk, attitude.pk)
    component_scores_record(cohort=cohort, values={key: score}, recorded_by=None,
                            loaded={key: Decimal("90")}, reason="Salah ketik")  # fmt: skip


def test_the_fingerprint_is_one_query_and_follows_the_grades(django_assert_num_queries):
    cohort = scored_cohort(3)
    # One SELECT of the cohort with a scalar subquery for each input (enrolments, their
    # history, names, scores, projects, sheets, components, bands, JP).
    with django_assert_num_queries(1):
        before = report_fingerprint(kind=Kind.FINAL_PDF, cohort=cohort)
    assert report_fingerprint(kind=Kind.FINAL_PDF, cohort=cohort) == before
    assert report_fingerprint(kind=Kind.FINAL_XLSX, cohort=cohort) != before
    attitude_change(cohort, Decimal("70"))
    assert report_fingerprint(kind=Kind.FINAL_PDF, cohort=cohort) != before


def test_a_request_reuses_the_job_under_way_and_then_the_done_one(client):
    cohort = scored_cohort(2)
    staff = staff_user()
    client.force_login(staff)
    url = reverse("documents:final_report_xlsx", args=[cohort.pk])
    first = client.get(url)
    job = ReportJob.objects.get()
    assert first["Location"] == job.get_absolute_url()
    # Queued (no worker here): asking again waits on the same job.
    assert client.get(url)["Location"] == job.get_absolute_url()
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE and (job.done, job.total) == (2, 2)
    assert client.get(url)["Location"] == job.get_absolute_url()
    assert ReportJob.objects.count() == 1
    # Its file gone from the storage (cleaned by hand): a new job makes it again.
    job.file.storage.delete(job.file.name)
    client.get(url)
    assert ReportJob.objects.count() == 2


def test_the_spreadsheet_is_streamed_with_the_sheet_look(client):
    cohort = scored_cohort(3)
    job, new = report_job_request(kind=Kind.FINAL_XLSX, cohort=cohort, requested_by=None)
    assert new
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    client.force_login(staff_user())
    response = client.get(reverse("documents:report_job_download", args=[job.pk]))
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Laporan nilai akhir" and rows[1][0] == str(cohort)
    assert rows[3][0].startswith("Dibuat ")
    header_at = next(i for i, row in enumerate(rows) if row[0] == "NIP")
    assert rows[header_at][-4:] == (
        "Nilai Akhir", "Predikat", "Kelulusan menurut Nilai", "Status Peserta",
    )  # fmt: skip
    assert sheet.freeze_panes == f"A{header_at + 2}"
    body = rows[header_at + 1 :]
    assert len(body) == 3
    # 0.4*90 + 0.6*80 = 84, the first participant 0.4*90 + 0.6*50 = 66
    assert sorted(float(row[-4]) for row in body) == [66.0, 84.0, 84.0]
    assert sheet.cell(row=header_at + 2, column=1).number_format == "@"


def test_rows_are_read_and_counted_a_chunk_at_a_time():
    cohort = scored_cohort(5)
    seen = []
    header, rows = final_report_table(cohort, progress=lambda d, t: seen.append((d, t)),
                                      chunk_size=2)  # fmt: skip
    assert seen == []  # nothing read before the rows are asked for
    assert len(list(rows)) == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_another_agencys_staff_do_not_find_the_job_nor_its_file(client):
    cohort = scored_cohort(2)
    job, _new = report_job_request(kind=Kind.FINAL_PDF, cohort=cohort, requested_by=None)
    report_job_run(job_id=job.pk)
    other = staff_user(institutions=[TrainingAgencyFactory()], username="lain")
    client.force_login(other)
    for name in ("report_job", "report_job_status", "report_job_download"):
        assert client.get(reverse(f"documents:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("documents:report_job_retry", args=[job.pk])).status_code == 404
    # Nor may they start one for a cohort they do not work on.
    assert client.get(reverse("documents:final_report", args=[cohort.pk])).status_code == 404
    client.force_login(widyaiswara_user())
    assert client.get(reverse("documents:report_job", args=[job.pk])).status_code == 403
    # The audit log's jobs are the administrators': staff do not find them.
    audit, _new = report_job_request(kind=Kind.AUDIT_CSV, requested_by=None)
    client.force_login(staff_user(username="staf-lain"))
    assert client.get(reverse("documents:report_job", args=[audit.pk])).status_code == 404
    client.force_login(administrator_user())
    assert client.get(reverse("documents:report_job", args=[audit.pk])).status_code == 200
    assert client.get(reverse("documents:report_job", args=[job.pk])).status_code == 200


def test_a_job_that_lost_its_worker_is_failed_and_can_be_retried(client, settings):
    cohort = scored_cohort(2)
    staff = staff_user()
    job, _new = report_job_request(kind=Kind.FINAL_XLSX, cohort=cohort, requested_by=staff)
    ReportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.REPORT_JOB_STALL_SECONDS + 1)
    )
    client.force_login(staff)
    status = client.get(reverse("documents:report_job_status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["error"] == str(ERROR_STALLED)
    page = client.get(job.get_absolute_url()).content.decode()
    assert str(ERROR_STALLED) in page
    assert reverse("documents:report_job_retry", args=[job.pk]) in page
    response = client.post(reverse("documents:report_job_retry", args=[job.pk]))
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.error == ""
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE


def roster_names(client, job, kind):
    """The names in a roster job's file (made here), below its header."""
    report_job_run(job_id=job.pk)
    download = client.get(reverse("documents:report_job_download", args=[job.pk]))
    data = b"".join(download.streaming_content)
    if kind == "xlsx":
        rows = [r for r in openpyxl.load_workbook(io.BytesIO(data)).active.values if r[0]]
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "NIP")
    return [row[1] for row in rows[header_at + 1 :]]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_roster_is_a_job_with_the_roster_pages_filters(client, kind):
    cohort = scored_cohort(3)
    withdrawn = cohort.enrolments.order_by("pk").first()
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=Enrolment.Status.WITHDRAWN)
    client.force_login(staff_user())
    url = reverse("documents:roster_report", args=[cohort.pk, kind])
    response = client.get(url, {"status": "withdrawn", "nope": "x"})
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.params == {"status": "withdrawn"}
    assert roster_names(client, job, kind) == [withdrawn.participant.name]
    # The cohort page's typed agency (part of its name) narrows the file as it does the page.
    transport = AgencyFactory(name="Dinas Perhubungan Kota Serang")
    type(withdrawn.participant).objects.filter(pk=withdrawn.participant_id).update(agency=transport)
    client.get(url, {"instansi": "perhubungan"})
    job = ReportJob.objects.exclude(pk=job.pk).get()
    assert job.params == {"instansi": "perhubungan"}
    assert roster_names(client, job, kind) == [withdrawn.participant.name]
    # The old address still answers at once.
    old = client.get(reverse("participants:roster_export", args=[cohort.pk, kind]))
    assert old.status_code == 200
    assert (
        client.get(reverse("documents:roster_report", args=[cohort.pk, "pdf"])).status_code == 404
    )


def test_administrators_look_up_a_failed_job_and_its_reason_in_the_admin_site(client):
    cohort = scored_cohort(1)
    job, _new = report_job_request(kind=Kind.FINAL_PDF, cohort=cohort, requested_by=staff_user())
    ReportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error="Disk penuh")
    client.force_login(administrator_user(is_staff=True))
    changelist = reverse("admin:documents_reportjob_changelist")
    listed = client.get(changelist, {"status__exact": "failed"})
    assert listed.status_code == 200
    assert str(job) in listed.content.decode()
    shown = client.get(reverse("admin:documents_reportjob_change", args=[job.pk]))
    assert "Disk penuh" in shown.content.decode()
    # Read only: jobs are made and retried on the pages, where their rules are kept.
    assert client.get(reverse("admin:documents_reportjob_add")).status_code == 403
    # Staff have no admin page for them: their jobs are on the cohort's pages.
    client.force_login(staff_user(is_staff=True))
    assert client.get(reverse("admin:documents_reportjob_changelist")).status_code == 403
