"""Phase reports: each participant's state in one phase of a cohort, as a PDF.

Classical phases report attendance, and who crosses the program's attendance rules over the
phase's days (participants.attendance); actualization reports milestone progress; the seminar
reports the project scores; other phases the project's stage. Made on demand by staff (a report
job, documents.reports), and by the scheduler's job the day after a phase ends.
"""

from collections import Counter
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import CohortPhase
from cohorts.services import phase_days
from curriculum.models import PhaseKind, PhaseMode
from participants.attendance import AttendanceRule, attendance_rows, attendance_warnings
from participants.models import Attendance, Enrolment
from projects.models import Milestone

from .models import PhaseReport
from .pdf import report_pdf

ATTENDANCE, MILESTONES, SCORES, STAGE = "attendance", "milestones", "scores", "stage"


def report_kind(phase):
    if phase.kind == PhaseKind.CLASSICAL or phase.mode == PhaseMode.CAMPUS:
        return ATTENDANCE
    if phase.kind == PhaseKind.ACTUALIZATION:
        return MILESTONES
    if phase.kind == PhaseKind.SEMINAR:
        return SCORES
    return STAGE


def phase_report_rows(phase):
    """One row per participant (withdrawn ones included, marked), in a fixed number of queries."""
    enrolments = list(
        Enrolment.objects.filter(cohort_id=phase.cohort_id)
        .select_related("participant__agency", "project")
        .order_by("participant__name", "pk")
    )
    kind = report_kind(phase)
    attendance, milestones = {}, {}
    if kind == ATTENDANCE:
        for enrolment_id, status in Attendance.objects.filter(phase=phase).values_list(
            "enrolment_id", "status"
        ):
            attendance.setdefault(enrolment_id, Counter())[status] += 1
    if kind == MILESTONES:
        for enrolment_id, done in Milestone.objects.filter(
            project__enrolment__cohort_id=phase.cohort_id, term=Milestone.Term.SHORT
        ).values_list("project__enrolment_id", "actual_end"):
            counts = milestones.setdefault(enrolment_id, [0, 0])
            counts[1] += 1
            counts[0] += done is not None
    rows = []
    for enrolment in enrolments:
        project = getattr(enrolment, "project", None)
        rows.append(
            {
                "enrolment": enrolment,
                "project": project,
                "attendance": attendance.get(enrolment.pk, Counter()),
                "milestones": milestones.get(enrolment.pk, [0, 0]),
            }
        )
    return kind, rows


def phase_report_summary(kind, rows, days):
    summary = {"participants": len(rows)}
    if kind == ATTENDANCE:
        total = Counter()
        for row in rows:
            total.update(row["attendance"])
        recorded = sum(total.values())
        summary.update(total)
        summary["days"] = days
        summary["rate"] = round(100 * total["hadir"] / recorded, 1) if recorded else None
    elif kind == MILESTONES:
        summary["done"] = sum(row["milestones"][0] for row in rows)
        summary["planned"] = sum(row["milestones"][1] for row in rows)
    elif kind == SCORES:
        scores = [row["project"].final_score for row in rows if row["project"]
                  and row["project"].final_score is not None]  # fmt: skip
        summary["scored"] = len(scores)
        summary["average"] = round(sum(scores) / len(scores), 2) if scores else None
    return summary


def phase_report_pdf(phase, progress=None):
    """The phase's report as PDF bytes. `progress(done, total)` is told once its rows are
    read (a phase report is one table of the cohort's participants: seconds, not minutes)."""
    kind, rows = phase_report_rows(phase)
    days = len(phase_days(phase))
    # Who crosses the program's attendance rules over this phase's days (one query).
    warnings = []
    if kind == ATTENDANCE:
        warnings = attendance_rows(attendance_warnings(phase.cohort, phase=phase))
    if progress:
        progress(len(rows), len(rows))
    return report_pdf(
        "documents/phase_report_pdf.html",
        {
            "phase": phase,
            "cohort": phase.cohort,
            "kind": kind,
            "rows": rows,
            "summary": phase_report_summary(kind, rows, days),
            "warnings": warnings,
            "rule": AttendanceRule.of(phase.cohort.program),
        },
    )


def phase_report_make(*, phase, requested_by=None, automatic=False):
    phase = CohortPhase.objects.select_related("cohort__program", "cohort__organiser").get(
        pk=phase.pk
    )
    pdf = phase_report_pdf(phase)
    report = PhaseReport(phase=phase, requested_by=requested_by, automatic=automatic)
    name = f"laporan-{phase.cohort.program.code}-{phase.cohort.angkatan}-tahap-{phase.order}.pdf"
    try:
        with transaction.atomic():
            report.pdf.save(name, ContentFile(pdf), save=True)
    except IntegrityError:
        report.pdf.storage.delete(report.pdf.name)
        return None  # the automatic report of this phase already exists
    return report


def phase_reports_due(today=None):
    """Make the automatic report of every phase that has ended and has none yet (run daily by
    the scheduler; phases that ended up to a week ago are caught up)."""
    today = today or timezone.localdate()
    phases = CohortPhase.objects.filter(
        end_date__lt=today, end_date__gte=today - timedelta(days=7)
    ).exclude(reports__automatic=True)
    made = 0
    for phase in phases:
        made += phase_report_make(phase=phase, automatic=True) is not None
    return made
