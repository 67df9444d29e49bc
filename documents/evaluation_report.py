"""The evaluation report of a cohort (participants.evaluations), as XLSX and as PDF: the
response rate of each questionnaire, each speaker's and the organiser's averages per criterion,
the distribution of their ratings as a bar chart drawn here in SVG, and the comments. Only the
groups of at least five answers count, as on the staff page.

Made in the request: a constant number of queries and one WeasyPrint document (a cohort of 40
with 12 speakers is a few pages)."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.audit import export_record
from config.permissions import can_manage_cohorts, rule_required
from participants.evaluations import NOT_ENOUGH, cohort_evaluation
from participants.tables import XLSX, _safe, export_title, table_workbook

from .pdf import report_pdf

BAR_WIDTH = 220  # the longest bar, in points of the SVG


def distribution_svg(distribution):
    """Horizontal bars, one per band (Sangat Baik … Kurang), each with its count: an SVG that
    WeasyPrint draws, so the PDF needs no chart library."""
    most = max((count for _label, count in distribution), default=0) or 1
    rows = []
    for index, (label, count) in enumerate(distribution):
        y = index * 16
        width = round(BAR_WIDTH * count / most)
        rows.append(
            f'<text x="0" y="{y + 11}" font-size="9">{escape(label)}</text>'
            f'<rect x="70" y="{y + 2}" width="{width}" height="11" fill="#3b6ea5"/>'
            f'<text x="{74 + width}" y="{y + 11}" font-size="9">{count}</text>'
        )
    height = 16 * len(distribution)
    return mark_safe(  # noqa: S308 - only our labels (escaped) and numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_WIDTH + 100}" height="{height}" '
        f'viewBox="0 0 {BAR_WIDTH + 100} {height}">{"".join(rows)}</svg>'
    )


def _targets(result):
    return [*result.speakers, result.organiser]


def evaluation_workbook(cohort, result):
    """Three sheets: the averages per speaker and criterion, the response rates, the comments."""
    rows = []
    for target in _targets(result):
        if not target.shown:
            rows.append([target.teacher.name, str(NOT_ENOUGH), None, target.respondents])
            continue
        for label, average, _count in target.criteria:
            rows.append([target.teacher.name, label, float(average), target.respondents])
        rows.append(
            [target.teacher.name, _("Rata-rata"), float(target.average), target.respondents]
        )
    book = table_workbook(
        [_("Pengajar / penyelenggara"), _("Kriteria"), _("Rata-rata"), _("Jawaban")],
        rows,
        title=export_title(_("Evaluasi pengajar dan penyelenggaraan"), cohort),
    )
    book.active.title = _("Rata-rata")
    rates = book.create_sheet(_("Pengisian"))
    rates.append([_("Kuesioner"), _("Mengisi"), _("Peserta"), "%"])
    for rate in result.rates:
        rates.append([_safe(rate.questionnaire.title), rate.answered, rate.enrolled, rate.percent])
    comments = book.create_sheet(_("Komentar"))
    comments.append([_("Pengajar / penyelenggara"), _("Komentar")])
    for target in _targets(result):
        for text in target.comments:
            comments.append([_safe(target.teacher.name), _safe(text)])
    for sheet in (rates, comments):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return book


def evaluation_report_pdf_bytes(cohort, result):
    targets = [(target, distribution_svg(target.distribution)) for target in _targets(result)]
    return report_pdf(
        "documents/evaluation_report_pdf.html",
        {"cohort": cohort, "result": result, "targets": targets, "not_enough": NOT_ENOUGH},
    )


def _cohort_result(request, cohort_pk):
    cohort = cohort_or_404(
        request.user,
        cohort_pk,
        Cohort.objects.select_related("program", "organiser", "co_organiser"),
    )
    return cohort, cohort_evaluation(cohort, timezone.localdate())


def _name(cohort, kind):
    return f"evaluasi-{cohort.program.code}-{cohort.angkatan}-{cohort.year}.{kind}"


@rule_required(can_manage_cohorts)
def evaluation_report_xlsx(request, cohort_pk):
    cohort, result = _cohort_result(request, cohort_pk)
    buffer = io.BytesIO()
    evaluation_workbook(cohort, result).save(buffer)
    export_record(request, cohort, "Laporan evaluasi (XLSX)")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_name(cohort, "xlsx")}"'
    return response


@rule_required(can_manage_cohorts)
def evaluation_report_pdf(request, cohort_pk):
    cohort, result = _cohort_result(request, cohort_pk)
    pdf = evaluation_report_pdf_bytes(cohort, result)
    export_record(request, cohort, "Laporan evaluasi (PDF)")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_name(cohort, "pdf")}"'
    return response
