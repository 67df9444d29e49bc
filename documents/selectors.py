"""Reads for the documents pages: each a fixed number of queries."""

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


def certificate_by_number(number):
    """The certificate that carries this number, or carried it before being reissued."""
    certificate = Certificate.objects.filter(number=number).first()
    if certificate is None:
        event = CertificateEvent.objects.filter(number=number).select_related("certificate").first()
        certificate = getattr(event, "certificate", None)
    return certificate
