"""Reads for the documents pages: each a fixed number of queries."""

import secrets
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import Certificate, CertificateBatch, CertificateEvent, PhaseReport

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


def batch_certificates(batch):
    return (
        Certificate.objects.filter(enrolment__cohort=batch.cohort)
        .select_related("enrolment__participant")
        .order_by("seq")
    )


def batches_recent():
    return CertificateBatch.objects.select_related(
        "cohort__program", "cohort__organiser", "requested_by"
    )


def phase_reports_recent():
    return PhaseReport.objects.select_related("phase__cohort__program", "requested_by")


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
