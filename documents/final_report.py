"""A cohort's final report: every participant's components, final score, predicate and
outcome, as a signed-off PDF and as a spreadsheet."""

from collections import Counter

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cohorts.services import cohort_total_jp
from participants.models import Enrolment
from projects.selectors import gradebook_rows

from .pdf import report_pdf


def final_report_pdf(cohort):
    """The cohort's final report as PDF bytes: every participant's components, final score,
    predicate and outcome, with the summary figures."""
    components, rows = gradebook_rows(cohort)
    statuses = Counter(row["enrolment"].status for row in rows)
    summary = {
        "passed": statuses[Enrolment.Status.PASSED],
        "failed": statuses[Enrolment.Status.FAILED],
        "deferred": statuses[Enrolment.Status.DEFERRED],
        "withdrawn": statuses[Enrolment.Status.WITHDRAWN],
    }
    summary["open"] = len(rows) - sum(summary.values())
    return report_pdf(
        "documents/final_report_pdf.html",
        {
            "cohort": cohort,
            "components": components,
            "rows": rows,
            "summary": summary,
            "total_jp": cohort_total_jp(cohort),
        },
    )


def final_report_table(cohort):
    """The final report as a header and rows, for the spreadsheet."""
    components, rows = gradebook_rows(cohort)
    # Unambiguous names: a component's weight is said to be one ("bobot 30%", not "(30%)",
    # which reads as a score), the outcome of the score is told apart from the participant's
    # status (which may be deferred or withdrawn whatever the score).
    header = ["NIP", _("Nama Lengkap dan Gelar"),
              *[_("%(name)s (bobot %(weight)s%%)") % {"name": c.name,
                                                     "weight": number_format(c.weight)}
                for c in components],
              _("Nilai Akhir"), _("Predikat"), _("Kelulusan menurut Nilai"),
              _("Status Peserta")]  # fmt: skip
    table = [
        [
            row["enrolment"].participant.nip_display,
            row["enrolment"].participant.name,
            *row["values"],
            row["final"].score,
            str(row["final"].predicate or ""),
            ""
            if row["final"].score is None
            else (_("Lulus") if row["final"].passes else _("Tidak lulus")),
            row["enrolment"].get_status_display(),
        ]
        for row in rows
    ]
    return header, table
