"""The cohort's final report: every participant's components, final score, predicate and
outcome, as PDF (and the gradebook's XLSX), in a fixed number of queries."""

import io
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.urls import reverse

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


@pytest.mark.parametrize("size", [3, 30])
def test_the_final_report_lists_everyone_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size
):
    cohort = scored_cohort(size)
    client.force_login(staff_user())
    url = reverse("documents:final_report", args=[cohort.pk])
    # session, user, permissions (2), role names; the cohort; components, bands, entered
    # scores and the roster (gradebook rows); the phases for the total JP; the export's audit
    # entry (with the cohort's content type, the first time a process asks).
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
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
    response = client.get(
        reverse("projects:gradebook", args=[cohort.pk]) + "?format=xlsx", follow=True
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Laporan nilai akhir" and rows[1][0] == str(cohort)
    header = next(row for row in rows if row[0] == "NIP")
    assert header[-4:] == ("Nilai Akhir", "Predikat", "Kelulusan menurut Nilai", "Status Peserta")
