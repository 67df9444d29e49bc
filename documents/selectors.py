"""Reads for the documents pages: each a fixed number of queries."""

import secrets
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cohorts.scope import cohorts_within_reach
from config.permissions import can_manage_cohorts, can_view_audit_log
from participants.selectors import name_or_nip

from .models import Certificate, CertificateBatch, CertificateEvent, PhaseReport, ReportJob

CERTIFICATE_RELATED = (
    "enrolment__participant",
    "enrolment__cohort__program",
    "enrolment__cohort__organiser",
)


def batch_progress_label(batch):
    """How far a batch is, in words: "12 / 40 sertifikat", or, before the job has counted the
    certificates (or when it failed before it could), what is happening instead of "0 / 0"."""
    if batch.total:
        return _("%(rendered)s / %(total)s sertifikat") % {
            "rendered": batch.rendered,
            "total": batch.total,
        }
    if batch.is_finished:
        return _("belum ada sertifikat yang dibuat")
    return _("menghitung peserta yang lulus…")


def report_jobs_within_reach(user):
    """The report jobs a user may open: staff those of the cohorts they work on
    (cohorts.scope), administrators of the audit log those of the log too. Another agency's
    job is simply not found. No query of its own (the scope is a subquery)."""
    allowed = Q(pk__in=[])
    if can_manage_cohorts(user):
        allowed |= Q(cohort__in=cohorts_within_reach(user).values("pk"))
    if can_view_audit_log(user):
        allowed |= Q(cohort__isnull=True, kind__in=AUDIT_JOB_KINDS)
    return ReportJob.objects.select_related(
        "cohort__program", "cohort__organiser", "phase", "requested_by"
    ).filter(allowed)


AUDIT_JOB_KINDS = [ReportJob.Kind.AUDIT_XLSX, ReportJob.Kind.AUDIT_CSV]


def report_job_progress_label(job):
    """How far a report job is, in words: "1.200 / 10.000 baris", then what it does once the
    rows are read, instead of "0 / 0"."""
    if job.status == ReportJob.Status.QUEUED:
        return _("menunggu pekerja…")
    if job.status == ReportJob.Status.DONE:
        return _("%(total)s baris") % {"total": job.total}
    if job.status == ReportJob.Status.FAILED:
        return _("gagal")
    if not job.total:
        return _("membaca data…")
    if job.done < job.total:
        return _("%(done)s / %(total)s baris") % {"done": job.done, "total": job.total}
    return _("menyusun berkas…")


def batch_certificates(batch, query=""):
    """The certificates of the batch's cohort in number order, with their holder; `query`
    finds them by the holder's name or NIP, or the certificate's number (in SQL)."""
    certificates = Certificate.objects.filter(enrolment__cohort=batch.cohort).select_related(
        "enrolment__participant"
    )
    if query := (query or "").strip():
        certificates = certificates.filter(
            name_or_nip(query, "enrolment__participant__") | Q(number__icontains=query)
        )
    return certificates.order_by("seq", "pk")


def _cohort_search(query, cohort):
    """Documents found by their cohort: its program's name or code, or its organiser."""
    return (
        Q(**{f"{cohort}__program__name__icontains": query})
        | Q(**{f"{cohort}__program__code__icontains": query})
        | Q(**{f"{cohort}__organiser__name__icontains": query})
    )


def batches_recent(query="", status=""):
    """Certificate batches, newest first, found by their cohort and status."""
    batches = CertificateBatch.objects.select_related(
        "cohort__program", "cohort__organiser", "requested_by"
    )
    if query := (query or "").strip():
        batches = batches.filter(_cohort_search(query, "cohort"))
    if status:
        batches = batches.filter(status=status)
    return batches.order_by("-created_at", "-pk")


def phase_reports_recent(query=""):
    """Phase reports, newest first, found by their cohort."""
    reports = PhaseReport.objects.select_related("phase__cohort__program", "requested_by")
    if query := (query or "").strip():
        reports = reports.filter(_cohort_search(query, "phase__cohort"))
    return reports.order_by("-created_at", "-pk")


def report_jobs_recent(query="", status=""):
    """Report jobs (final reports, rosters, the audit log's exports), newest first, found by
    their cohort and status."""
    jobs = ReportJob.objects.select_related("cohort__program", "phase", "requested_by")
    if query := (query or "").strip():
        jobs = jobs.filter(_cohort_search(query, "cohort"))
    if status:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ReplacedNumber:
    """A number the certificate carried before a reissue, and when it stopped being valid."""

    number: str
    replaced_at: object


def certificate_for_verification(verification_id):
    """The certificate a QR code points at, with what the public page shows, or None: what the
    paper states (program, angkatan, dates, total JP, predicate) so an edited paper shows, and
    `replaced`, the numbers it carried before each reissue, oldest first. Three queries."""
    certificate = (
        Certificate.objects.select_related(
            "enrolment__participant",
            "enrolment__cohort__program",
            "enrolment__cohort__organiser",
        )
        .filter(verification_id=verification_id)
        .first()
    )
    if certificate is None:
        return None
    cohort = certificate.enrolment.cohort
    # As the certificate's PDF counts them (cohorts.services.cohort_total_jp), in one query.
    certificate.total_jp = cohort.phases.aggregate(total=Sum("jp"))["total"] or 0
    certificate.replaced = numbers_replaced(certificate)
    return certificate


def numbers_replaced(certificate):
    """The numbers a certificate carried before being reissued under a new one, each with the
    moment of the reissue that replaced it. One query."""
    numbered = [
        event
        for event in certificate.events.order_by("at", "pk")
        if event.action in (CertificateEvent.Action.ISSUED, CertificateEvent.Action.REISSUED)
    ]
    return [
        ReplacedNumber(number=earlier.number, replaced_at=later.at)
        for earlier, later in zip(numbered, numbered[1:], strict=False)
        if earlier.number != later.number
    ]


def certificate_by_number(number, *, check_code="", birth_date=None):
    """The certificate that carries this number, or carried it before being reissued, if the
    check code printed beside it or the holder's birth date matches; None otherwise. A wrong
    code and an unknown number look the same, so the answer says nothing about which numbers
    exist."""
    certificate = (
        Certificate.objects.filter(number=number).select_related("enrolment__participant").first()
    )
    if certificate is None:
        event = (
            CertificateEvent.objects.filter(number=number)
            .select_related("certificate__enrolment__participant")
            .first()
        )
        certificate = getattr(event, "certificate", None)
    if certificate is None:
        return None
    if check_code and secrets.compare_digest(check_code, certificate.check_code):
        return certificate
    if birth_date and certificate.enrolment.participant.birth_date == birth_date:
        return certificate
    return None
