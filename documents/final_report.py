"""A cohort's final report: every participant's components, final score, predicate and
outcome, as a signed-off PDF and as a spreadsheet.

Made by a report job (documents.reports). The rows are read a chunk of participants at a
time (a few queries a chunk) and turned into HTML or spreadsheet rows at once, so a worker
never holds every participant's objects, whatever the cohort's size."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from cohorts.services import cohort_total_jp
from participants.models import Enrolment
from participants.tables import export_title
from projects.selectors import cohort_finals, components_of

from .pdf import report_pdf
from .report_tables import table_write

# Participants read and turned into rows at a time: a few hundred keeps both the queries
# (five a chunk) and the memory of one chunk small.
CHUNK_SIZE = 500


def final_report_enrolment_ids(cohort):
    """The enrolments of the report, in its order (by name): only their ids are held."""
    return list(
        Enrolment.objects.filter(cohort=cohort)
        .order_by("participant__name", "pk")
        .values_list("pk", flat=True)
    )


def final_report_chunks(cohort, ids=None, chunk_size=CHUNK_SIZE):
    """The program's components, and the report's rows a chunk at a time: each row has its
    `enrolment` (participant and agency joined), its `values` in component order (the
    project's score for the project component) and its `final` score, by the one rule of
    projects.selectors (a few queries a chunk)."""
    components = components_of(cohort.program)
    ids = final_report_enrolment_ids(cohort) if ids is None else ids

    def chunks():
        for start in range(0, len(ids), chunk_size):
            rows = []
            for enrolment in cohort_finals(cohort, only=ids[start : start + chunk_size]):
                project = getattr(enrolment, "project", None)
                values = [
                    (project.final_score if project else None)
                    if c.source == "project"
                    else enrolment.entered.get(c.pk)
                    for c in components
                ]
                rows.append({"enrolment": enrolment, "values": values, "final": enrolment.final})
            yield rows

    return components, chunks()


def final_report_summary(cohort):
    """How many participants, and how many passed, failed, were deferred or withdrew: one
    aggregate query."""
    statuses = Enrolment.Status
    counts = Enrolment.objects.filter(cohort=cohort).aggregate(
        participants=Count("pk"),
        passed=Count("pk", filter=Q(status=statuses.PASSED)),
        failed=Count("pk", filter=Q(status=statuses.FAILED)),
        deferred=Count("pk", filter=Q(status=statuses.DEFERRED)),
        withdrawn=Count("pk", filter=Q(status=statuses.WITHDRAWN)),
    )
    counts["open"] = counts["participants"] - sum(
        counts[k] for k in ("passed", "failed", "deferred", "withdrawn")
    )
    return counts


def final_report_pdf(cohort, progress=None, chunk_size=CHUNK_SIZE):
    """The cohort's final report as PDF bytes: every participant's components, final score,
    predicate and outcome, with the summary figures. `progress(done, total)` is told after
    every chunk of rows."""
    ids = final_report_enrolment_ids(cohort)
    components, chunks = final_report_chunks(cohort, ids, chunk_size)
    # Each chunk becomes its table rows' HTML at once; only these strings are kept.
    rows_html, done = [], 0
    with override("id"):
        for rows in chunks:
            rows_html.append(
                render_to_string(
                    "documents/fragment_final_report_rows.html",
                    {"rows": rows, "start": done, "components": components},
                )
            )
            done += len(rows)
            if progress:
                progress(done, len(ids))
    return report_pdf(
        "documents/final_report_pdf.html",
        {
            "cohort": cohort,
            "components": components,
            "rows_html": mark_safe("".join(rows_html)),  # noqa: S308 - rendered above, escaped
            "count": len(ids),
            "summary": final_report_summary(cohort),
            "total_jp": cohort_total_jp(cohort),
        },
    )


def final_report_header(components):
    # Unambiguous names: a component's weight is said to be one ("bobot 30%", not "(30%)",
    # which reads as a score), the outcome of the score is told apart from the participant's
    # status (which may be deferred or withdrawn whatever the score).
    return ["NIP", _("Nama Lengkap dan Gelar"),
            *[_("%(name)s (bobot %(weight)s%%)") % {"name": c.name,
                                                   "weight": number_format(c.weight)}
              for c in components],
            _("Nilai Akhir"), _("Predikat"), _("Kelulusan menurut Nilai"),
            _("Status Peserta")]  # fmt: skip


def final_report_table(cohort, progress=None, chunk_size=CHUNK_SIZE):
    """The final report as a header and rows (an iterator, read once), for the
    spreadsheet."""
    ids = final_report_enrolment_ids(cohort)
    components, chunks = final_report_chunks(cohort, ids, chunk_size)

    def rows():
        done = 0
        for chunk in chunks:
            for row in chunk:
                yield [
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
            done += len(chunk)
            if progress:
                progress(done, len(ids))

    return final_report_header(components), rows()


def made_title(what, cohort=None):
    """The title block of a file a job made: as a download's (participants.tables), but it
    says when it was made, since the same file is handed out until its data changes."""
    lines = export_title(what, cohort)[:-1]
    made = date_format(timezone.localtime(), "DATETIME_FORMAT")
    lines.append(_("Dibuat %(when)s WIB") % {"when": made})
    return lines


def final_report_xlsx_write(cohort, handle, progress=None):
    """The final report's spreadsheet, written into `handle`."""
    header, rows = final_report_table(cohort, progress)
    title = made_title(_("Laporan nilai akhir"), cohort)
    return table_write("xlsx", handle, header, rows, title=title)
