"""Reports as jobs: the final report (PDF, XLSX), a phase report, the roster and the audit log
are made by a Celery worker, not inside the web request (at 10,000 participants the final
report took minutes and gigabytes). Staff ask, watch the job's progress on its page, then
download its file from the default storage.

The same report is not made twice while its data has not changed: each request computes a
fingerprint of the report's inputs in one SQL query (counts, sums and latest change times of
the enrolments, scores, sheets and attendance it reads, the filters it was asked with, and
the day it is dated), and a job done, queued or running with the same fingerprint is handed
out instead of a new one. A job that failed is tried again on request; one that lost its
worker (no sign of life for REPORT_JOB_STALL_SECONDS) is marked failed, so it can be.
"""

import hashlib
import json
import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, CohortPhase
from participants.models import Attendance, Enrolment
from projects.models import (
    ChangeProject,
    ComponentScore,
    Milestone,
    PredicateBand,
    ScoreComponent,
    ScoreSheet,
)

from .models import PhaseReport, ReportJob

logger = logging.getLogger(__name__)

Kind, Status = ReportJob.Kind, ReportJob.Status
UNDER_WAY = [Status.QUEUED, Status.RUNNING]
# Raised when a report's layout or contents change, so that files made before are not
# handed out for the same data.
REPORT_VERSION = 1
COHORT_KINDS = {Kind.FINAL_PDF, Kind.FINAL_XLSX, Kind.PHASE_PDF, Kind.ROSTER_XLSX, Kind.ROSTER_CSV}
AUDIT_KINDS = {Kind.AUDIT_XLSX, Kind.AUDIT_CSV}

ERROR_QUEUE_UNREACHABLE = _(
    "Antrean tugas tidak dapat dihubungi, laporan belum mulai dibuat. Coba lagi nanti."
)
ERROR_STALLED = _(
    "Pekerja berhenti di tengah pembuatan laporan (dimatikan atau mesinnya dinyalakan ulang). "
    "Coba lagi untuk membuatnya ulang."
)
ERROR_FAILED = _("Laporan gagal dibuat: %(reason)s")


def _latest(queryset, group, **aggregate):
    """A subquery of one aggregate over `queryset` (grouped by the one `group` it filters on,
    so it returns one row): the pieces of a fingerprint read in one query."""
    [(name, expression)] = aggregate.items()
    return Subquery(queryset.order_by().values(group).annotate(**{name: expression}).values(name))


def _cohort_inputs(cohort_id, phase_id=None):
    """What a cohort's reports read, as counts, sums and latest change times, in one query:
    the enrolments (their history records every change of status, coach, mentor and group),
    the participants' names, the entered scores, the projects' scores, the score sheets, the
    program's components and predicate bands, the phases' JP, and for a phase its attendance
    and milestones."""
    enrolments = Enrolment.objects.filter(cohort_id=OuterRef("pk"))
    history = Enrolment.history.model.objects.filter(cohort_id=OuterRef("pk"))
    scores = ComponentScore.objects.filter(enrolment__cohort_id=OuterRef("pk"))
    projects = ChangeProject.objects.filter(enrolment__cohort_id=OuterRef("pk"))
    sheets = ScoreSheet.objects.filter(project__enrolment__cohort_id=OuterRef("pk"))
    components = ScoreComponent.objects.filter(program__cohorts=OuterRef("pk"))
    bands = PredicateBand.objects.filter(program__cohorts=OuterRef("pk"))
    phases = CohortPhase.objects.filter(cohort_id=OuterRef("pk"))
    c, e = "cohort_id", "enrolment__cohort_id"
    pieces = {
        "enrolments": _latest(enrolments, c, v=Count("pk")),
        "enrolment_last": _latest(enrolments, c, v=Max("pk")),
        "enrolment_changed": _latest(history, c, v=Max("history_id")),
        # A renamed participant (a title added) changes the lengths; the report is dated, so
        # at worst a rename of the same length shows from the next day.
        "names": _latest(enrolments, c, v=Sum(Length("participant__name"))),
        "scores": _latest(scores, e, v=Count("pk")),
        "scores_changed": _latest(scores, e, v=Max("recorded_at")),
        "scores_sum": _latest(scores, e, v=Sum("score")),
        "projects_scored": _latest(projects, e, v=Count("final_score")),
        "projects_changed": _latest(projects, e, v=Max("scored_at")),
        "projects_sum": _latest(projects, e, v=Sum("final_score")),
        "sheets": _latest(sheets, "project__enrolment__cohort_id", v=Count("pk")),
        "sheets_changed": _latest(sheets, "project__enrolment__cohort_id", v=Max("updated_at")),
        "components": _latest(components, "program__cohorts", v=Count("pk")),
        "weights": _latest(components, "program__cohorts", v=Sum("weight")),
        "components_last": _latest(components, "program__cohorts", v=Max("pk")),
        "bands": _latest(bands, "program__cohorts", v=Count("pk")),
        "bands_floor": _latest(bands, "program__cohorts", v=Sum("floor")),
        "jp": _latest(phases, c, v=Sum("jp")),
    }
    if phase_id is not None:
        attendance = Attendance.objects.filter(
            phase_id=phase_id, enrolment__cohort_id=OuterRef("pk")
        )
        milestones = Milestone.objects.filter(project__enrolment__cohort_id=OuterRef("pk"))
        pieces.update(
            attendance=_latest(attendance, e, v=Count("pk")),
            attendance_changed=_latest(attendance, e, v=Max("recorded_at")),
            milestones=_latest(milestones, "project__enrolment__cohort_id", v=Count("pk")),
            milestones_done=_latest(
                milestones, "project__enrolment__cohort_id", v=Count("actual_end")
            ),
        )
    # Named apart from the cohort's own fields (`enrolments` is one).
    pieces = {f"input_{name}": value for name, value in pieces.items()}
    return (
        Cohort.objects.filter(pk=cohort_id)
        .values("grades_closed_at", "organiser_id", "co_organiser_id", **pieces)
        .get()
    )


def _audit_inputs(params):
    from .audit import AuditFilterForm, audit_entries

    # The filtered entries' count and newest id: a new entry matching the filters is new data.
    return (
        audit_entries(AuditFilterForm(params or None).filters())
        .order_by()
        .aggregate(entries=Count("pk"), last=Max("pk"))
    )


def report_fingerprint(*, kind, cohort=None, phase=None, params=None):
    """A digest of everything the report reads, in one query. The day is part of it: a report
    is dated (signed off today, made on)."""
    if kind in AUDIT_KINDS:
        inputs = _audit_inputs(params)
    else:
        inputs = _cohort_inputs(cohort.pk, phase.pk if phase else None)
    payload = [REPORT_VERSION, kind, cohort.pk if cohort else None, phase.pk if phase else None,
               params or {}, str(timezone.localdate()),
               sorted((k, str(v)) for k, v in inputs.items())]  # fmt: skip
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def report_jobs_stalled_fail(jobs=None):
    """A job under way without a sign of life for REPORT_JOB_STALL_SECONDS lost its worker (or
    its message never reached one): marked failed, so that it can be retried, and so that a
    new request does not wait on it. Returns how many."""
    limit = timezone.now() - timedelta(seconds=settings.REPORT_JOB_STALL_SECONDS)
    jobs = ReportJob.objects.all() if jobs is None else jobs
    failed = {"status": Status.FAILED, "error": str(ERROR_STALLED), "finished_at": timezone.now()}
    return jobs.filter(status=Status.RUNNING, heartbeat_at__lt=limit).update(
        **failed
    ) + jobs.filter(status=Status.QUEUED, created_at__lt=limit).update(**failed)


def _file_present(job):
    return bool(job.file) and job.file.storage.exists(job.file.name)


def report_job_request(*, kind, requested_by, cohort=None, phase=None, params=None):
    """The job that makes this report: one done for the same inputs (its file still stored),
    one under way for them, or a new one, queued once the request is committed. Returns the
    job and whether it is new."""
    params = params or {}
    fingerprint = report_fingerprint(kind=kind, cohort=cohort, phase=phase, params=params)
    same = ReportJob.objects.filter(kind=kind, fingerprint=fingerprint)
    with transaction.atomic():
        if cohort is not None:
            # The cohort row orders two requests for its reports (a double click).
            Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        report_jobs_stalled_fail(same)
        for job in same.filter(status__in=[*UNDER_WAY, Status.DONE]).order_by("-created_at"):
            if job.status != Status.DONE or _file_present(job):
                return job, False
        job = ReportJob.objects.create(
            kind=kind,
            cohort=cohort,
            phase=phase,
            params=params,
            fingerprint=fingerprint,
            requested_by=requested_by,
        )
        transaction.on_commit(lambda: report_job_enqueue(job_id=job.pk))
    return job, True


def report_job_retry(*, job):
    """Try a failed job again, on the data as it is now: the same job, queued again. A job
    that has not failed is left as it is. Returns whether it was queued."""
    fingerprint = report_fingerprint(
        kind=job.kind, cohort=job.cohort, phase=job.phase, params=job.params
    )
    with transaction.atomic():
        queued = ReportJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
            status=Status.QUEUED,
            fingerprint=fingerprint,
            error="",
            done=0,
            total=0,
            created_at=timezone.now(),
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
        )
        if queued:
            transaction.on_commit(lambda: report_job_enqueue(job_id=job.pk))
    return bool(queued)


def report_job_enqueue(*, job_id):
    from .tasks import report_job_task

    try:
        report_job_task.delay(job_id)
    except Exception:  # the broker's many connection errors; the job must not stay queued
        logger.exception("could not queue report job %s", job_id)
        report_job_fail(job_id=job_id, reason=str(ERROR_QUEUE_UNREACHABLE))


def report_job_fail(*, job_id, reason):
    ReportJob.objects.filter(pk=job_id, status__in=UNDER_WAY).update(
        status=Status.FAILED, error=reason, finished_at=timezone.now()
    )


def _progress(job_id):
    def progress(done, total):
        ReportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )

    return progress


def _stem(cohort):
    return f"{cohort.program.code}-{cohort.angkatan}-{cohort.year}"


def _build(job, progress, handle):
    """Write the job's report into `handle` (a temporary file); returns its file name."""
    from . import audit, final_report, phase_reports, roster

    cohort = job.cohort
    if job.kind == Kind.FINAL_PDF:
        handle.write(final_report.final_report_pdf(cohort, progress))
        return f"laporan-akhir-{_stem(cohort)}.pdf"
    if job.kind == Kind.FINAL_XLSX:
        final_report.final_report_xlsx_write(cohort, handle, progress)
        return f"nilai-{_stem(cohort)}.xlsx"
    if job.kind == Kind.PHASE_PDF:
        handle.write(phase_reports.phase_report_pdf(job.phase, progress))
        return f"laporan-{_stem(cohort)}-tahap-{job.phase.order}.pdf"
    if job.kind in (Kind.ROSTER_XLSX, Kind.ROSTER_CSV):
        kind = job.kind.removeprefix("roster_")
        roster.roster_write(cohort, kind, job.params, handle, progress)
        return f"peserta-{_stem(cohort)}.{kind}"
    kind = job.kind.removeprefix("audit_")
    audit.audit_log_write(kind, job.params, handle, progress)
    return f"log-audit-{timezone.localdate():%Y%m%d}.{kind}"


def report_job_run(*, job_id):
    """The worker's part: make the report, store its file, mark the job done. A job already
    done or failed (a message delivered again) is left alone. An error marks it failed with
    the reason, and is raised again for the worker's log."""
    started = ReportJob.objects.filter(pk=job_id, status__in=UNDER_WAY).update(
        status=Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    if not started:
        return
    job = ReportJob.objects.select_related(
        "cohort__program", "cohort__organiser", "cohort__co_organiser", "phase__cohort__program",
        "phase__cohort__organiser", "requested_by",
    ).get(pk=job_id)  # fmt: skip
    ReportJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    try:
        # A temporary file on disk: a spreadsheet of 10,000 rows is written there as it grows
        # and copied to the storage in chunks, never held whole in memory.
        with tempfile.TemporaryFile() as handle:
            name = _build(job, _progress(job_id), handle)
            handle.seek(0)
            job.file.save(name, File(handle, name=name), save=False)
        report = None
        if job.kind == Kind.PHASE_PDF:
            report = phase_report_record(job)
        finished = ReportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.DONE,
            file=job.file.name,
            phase_report=report,
            finished_at=timezone.now(),
            done=F("total"),
        )
        if not finished:  # failed as stalled meanwhile: its file is not handed out
            job.file.storage.delete(job.file.name)
    except Exception as error:
        report_job_fail(job_id=job_id, reason=str(ERROR_FAILED % {"reason": _reason(error)}))
        raise


def _reason(error):
    return f"{type(error).__name__}: {error}"


def phase_report_record(job):
    """The phase report a job made, listed on the phase's page with the others: the same
    stored file, no copy."""
    report = PhaseReport(phase=job.phase, requested_by=job.requested_by)
    report.pdf.name = job.file.name
    report.save()
    return report


def report_export_label(job):
    """What the audit log says was downloaded: the names the downloads had before they were
    jobs, so that the log reads the same."""
    if job.kind == Kind.PHASE_PDF:
        return f"Laporan tahap {job.phase.name} (PDF)"
    if job.kind in (Kind.ROSTER_XLSX, Kind.ROSTER_CSV, Kind.AUDIT_XLSX, Kind.AUDIT_CSV):
        what = "Daftar peserta" if job.cohort_id else "Log audit"
        kind = job.kind.rsplit("_", 1)[1].upper()
        return f"{what} ({kind}, {job.total} baris)"
    return "Laporan akhir (PDF)" if job.kind == Kind.FINAL_PDF else "Laporan akhir (XLSX)"
