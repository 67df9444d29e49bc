"""The cohort's final report: every participant's components, final score, predicate and
outcome, as PDF (and the gradebook's XLSX), asked for in a fixed number of queries and made
by a job."""

import io
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from documents.models import ReportJob
from documents.reports import report_job_run
from projects.gradebook import component_scores_record
from projects.models import ScoreComponent

from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def scored_cohort(size):
    cohort = CohortFactory()
    attitude = ScoreComponent.objects.create(program=cohort.program, order=1, code="sikap",
                                             name="Sikap", weight=40)  # fmt: skip
    ScoreComponent.objects.create(program=cohort.program, order=2, code="proyek",
                                  name="Proyek", weight=60, source="project")  # fmt: skip
    coach = widyaiswara_user()
    values = {}
    for n in range(size):
        enrolment = enrol(cohort, coach=coach)
        project_scored(enrolment, Decimal("80") if n else Decimal("50"))
        values[(enrolment.pk, attitude.pk)] = Decimal("90")
    component_scores_record(cohort=cohort, values=values, recorded_by=None)
    return cohort


def made(client, url):
    """Ask for a report as the gradebook's link does, make it as the worker does (the
    service, called here; tests/documents/test_report_jobs.py runs a real worker) and
    download it."""
    response = client.get(url, follow=True)
    job = response.context["job"]
    report_job_run(job_id=job.pk)
    download = client.get(reverse("documents:report_job_download", args=[job.pk]))
    return b"".join(download.streaming_content)


@pytest.mark.parametrize("size", [3, 30])
def test_asking_for_the_final_report_costs_the_same_whatever_the_cohort(
    client, django_assert_num_queries, size
):
    cohort = scored_cohort(size)
    client.force_login(staff_user())
    url = reverse("documents:final_report", args=[cohort.pk])
    # session, user, permissions (2); the cohort; the fingerprint (one query); a savepoint,
    # the cohort's row lock, failing stalled jobs (2), a job to reuse, the new job, the
    # savepoint's release. The report itself is the worker's.
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()


@pytest.mark.parametrize("size", [3, 30])
def test_the_final_report_lists_everyone(client, size):
    cohort = scored_cohort(size)
    client.force_login(staff_user())
    data = made(client, reverse("documents:final_report", args=[cohort.pk]))
    text = " ".join(pdf_text(data).split())
    assert f"ANGKATAN {cohort.angkatan_label}" in text
    # 0.4*90 + 0.6*80 = 84.00 Memuaskan; the first: 0.4*90 + 0.6*50 = 66.00, failing
    assert text.count("84,00") == size - 1 and "66,00" in text
    assert "Kurang Memuaskan" in text and "Memuaskan" in text
    assert f"Jumlah peserta {size}" in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1


def test_the_final_report_and_xlsx_are_for_staff_only(client):
    cohort = scored_cohort(2)
    client.force_login(widyaiswara_user())
    assert client.get(reverse("documents:final_report", args=[cohort.pk])).status_code == 403
    client.force_login(staff_user())
    # The gradebook's old XLSX address leads to the final report's spreadsheet.
    data = made(client, reverse("projects:gradebook", args=[cohort.pk]) + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Laporan nilai akhir" and rows[1][0] == str(cohort)
    header = next(row for row in rows if row[0] == "NIP")
    assert header[-4:] == ("Nilai Akhir", "Predikat", "Kelulusan menurut Nilai", "Status Peserta")
