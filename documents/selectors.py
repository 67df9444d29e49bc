"""Reads for the documents pages: each a fixed number of queries."""

import secrets

from .models import Certificate, CertificateBatch, CertificateEvent, PhaseReport

CERTIFICATE_RELATED = (
    "enrolment__participant",
    "enrolment__cohort__program",
    "enrolment__cohort__organiser",
)


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


def certificate_for_verification(verification_id):
    """The certificate a QR code points at, with what the public page shows, or None."""
    return (
        Certificate.objects.select_related(
            "enrolment__participant",
            "enrolment__project",
            "enrolment__cohort__program",
            "enrolment__cohort__organiser",
        )
        .filter(verification_id=verification_id)
        .first()
    )


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
