"""The evaluation report of a cohort, as staff download it: the averages of each speaker and
of the organiser, the distribution chart and the comments, only from groups of five."""

import io

import openpyxl
import pytest
from django.urls import reverse

from documents.evaluation_report import distribution_svg

from ..factories import staff_user
from ..participants.test_evaluations import answer, world  # noqa: F401
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):  # noqa: F811
    for value in (100, 80, 80, 60, 80):
        answer(world, world["enrolments"].pop(), value=value, comment=f"Catatan {value}")
    return world


def test_the_xlsx_has_the_averages_the_rate_and_the_comments(client, answered):
    client.force_login(staff_user())
    cohort = answered["cohort"]
    response = client.get(reverse("documents:evaluation_report_xlsx", args=[cohort.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [row for row in book["Rata-rata"].iter_rows(values_only=True) if row and row[0]]
    teacher = [r for r in rows if r[0] == "Dra. Sri Lestari"]
    assert ("Dra. Sri Lestari", "Penguasaan materi", 80.0, 5) in teacher
    assert ("Penyelenggara", "Rata-rata", 80.0, 5) in rows
    rates = list(book["Pengisian"].iter_rows(values_only=True))
    assert any(row[1:] == (5, 6, 83) for row in rates[1:])
    comments = [row[1] for row in book["Komentar"].iter_rows(min_row=2, values_only=True)]
    assert comments.count("Catatan 60") == 3  # two speakers and the organiser


def test_the_pdf_has_the_averages_and_the_chart(client, answered):
    client.force_login(staff_user())
    cohort = answered["cohort"]
    response = client.get(reverse("documents:evaluation_report_pdf", args=[cohort.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Prof. Dr. Ahmad Narasumber" in text and "Dra. Sri Lestari" in text
    assert "Penguasaan materi" in text and "80,00" in text
    assert "Sebaran nilai" in text and "Catatan 100" in text


def test_four_answers_stay_out_of_the_report(client, world):  # noqa: F811
    for enrolment in world["enrolments"][:4]:
        answer(world, enrolment, value=40, comment="Terlalu cepat")
    client.force_login(staff_user())
    response = client.get(reverse("documents:evaluation_report_pdf", args=[world["cohort"].pk]))
    text = pdf_text(response.content)
    assert "Belum cukup jawaban (minimal 5)" in text
    assert "Terlalu cepat" not in text and "40,00" not in text


def test_the_chart_draws_one_bar_per_band_longest_for_the_most():
    svg = str(distribution_svg([("Sangat Baik", 4), ("Baik", 2), ("Cukup", 0), ("Kurang", 0)]))
    assert svg.count("<rect") == 4
    assert 'width="220"' in svg and 'width="110"' in svg and ">Sangat Baik<" in svg
