"""The empty sign-in sheet of one campus day (*daftar hadir*), printed before the day and
signed on paper: number, name and NIP, agency, and a signature column in which odd numbers sign
on the left and even numbers on the right, as Indonesian attendance sheets do (neighbours'
signatures do not overlap and a row cannot be signed for the next one unnoticed).

Made in the request: one query for the cohort's participants and one WeasyPrint page per
about 25 participants, a second or two for a large cohort (a report job would only add a wait).
"""

from django.http import Http404, HttpResponse

from cohorts.selectors import campus_phase_or_404
from cohorts.services import phase_days
from config.audit import export_record
from config.permissions import can_manage_cohorts, rule_required
from participants.models import Enrolment

from .pdf import report_pdf


def sign_in_sheet_rows(cohort):
    """The cohort's participants who are still in it (withdrawn ones aside), by name, with
    their agency: one query."""
    return list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("participant__agency")
        .order_by("participant__name", "pk")
    )


def sign_in_sheet_pdf(cohort, phase, day):
    """The sheet as PDF bytes."""
    return report_pdf(
        "documents/sign_in_sheet_pdf.html",
        {"cohort": cohort, "phase": phase, "day": day, "rows": sign_in_sheet_rows(cohort)},
    )


@rule_required(can_manage_cohorts)
def sign_in_sheet(request, pk, phase_pk, day):
    """A day's empty sign-in sheet as PDF (any day of a campus phase, past or coming)."""
    cohort, phase = campus_phase_or_404(request.user, pk, phase_pk)
    if day not in phase_days(phase):
        raise Http404
    pdf = sign_in_sheet_pdf(cohort, phase, day)
    export_record(request, phase, f"Daftar hadir {day.isoformat()} (PDF)")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"daftar-hadir-{cohort.program.code}-{cohort.angkatan}-{day.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
