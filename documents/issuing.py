"""Issuing STTP certificates: a number for every passing participant, revocation and
reissue with reasons. Numbers are taken from a series under a row lock in the transaction
that creates the certificate, so two batches never hand out one number twice; a certificate
keeps its number and verification id when it is rendered again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.audit import audit_bulk_record
from projects.selectors import enrolment_final_score, finals_locked, passes

from . import webhooks
from .models import Certificate, CertificateEvent
from .numbering import number_of, number_pattern_for, series_locked
from .rendering import certificate_pdf_store

ERROR_REASON = _("Tuliskan alasannya.")
ERROR_NOT_VALID = _("Hanya sertifikat yang sah yang dapat dicabut.")
ERROR_NOT_REVOKED = _("Hanya sertifikat yang dicabut yang dapat diterbitkan ulang.")
ERROR_NO_LONGER_PASSING = _(
    "Peserta ini tidak lagi memenuhi syarat kelulusan; sertifikatnya tidak dapat diterbitkan ulang."
)


@transaction.atomic
def certificates_ensure(*, cohort, enrolments, batch=None):
    """The certificate of each enrolment, by enrolment id. Those without one are numbered
    together in this transaction, in the order given, with the next numbers of their series:
    a handful of queries whatever their count. An enrolment whose final score, read again
    under the locks, no longer passes gets none.

    Each certificate created gets a "create" entry in the audit log with its number: by the
    user who asked for the `batch`, which the entry names (a job has no request; the batch's
    own entry has the address), else by the request's user."""
    ids = [enrolment.pk for enrolment in enrolments]

    def existing():
        return {c.enrolment_id: c for c in Certificate.objects.filter(enrolment_id__in=ids)}

    certificates = existing()
    if all(pk in certificates for pk in ids):
        return certificates
    pattern = number_pattern_for(cohort)
    series = series_locked(cohort, pattern)
    # Checked again under the lock: a concurrent batch may have just created some.
    certificates = existing()
    missing = [pk for pk in ids if pk not in certificates]
    # The scores are locked and read again: a mark lowered since the batch began counts.
    fresh = finals_locked(cohort, missing)
    created = []
    for pk in missing:
        enrolment = fresh.get(pk)
        if enrolment is None or not passes(enrolment):
            continue
        series.last_seq += 1
        created.append(
            Certificate(
                enrolment_id=pk,
                series=series,
                seq=series.last_seq,
                number=number_of(cohort, series.last_seq, pattern),
                issued_on=cohort.end_date,
                final_score=enrolment.final.score,
                predicate=str(enrolment.final.predicate),
            )
        )
    if created:
        series.save(update_fields=["last_seq"])
        Certificate.objects.bulk_create(created)
        CertificateEvent.objects.bulk_create(
            CertificateEvent(certificate=c, action=CertificateEvent.Action.ISSUED, number=c.number)
            for c in created
        )
        by_batch = {}
        if batch is not None:
            by_batch = {
                "actor": batch.requested_by,
                "remote_addr": None,
                "additional_data": {"batch": batch.pk},
            }
        audit_bulk_record([(None, c) for c in created], **by_batch)
        webhooks.certificate_webhooks_queue(
            certificate_ids=[c.pk for c in created], event=webhooks.ISSUED
        )
        certificates.update({c.enrolment_id: c for c in created})
    return certificates


def certificate_ensure(*, enrolment):
    """The enrolment's certificate, created with the next number of its series if it has none
    (None if the enrolment no longer passes)."""
    return certificates_ensure(cohort=enrolment.cohort, enrolments=[enrolment]).get(enrolment.pk)


@transaction.atomic
def certificate_revoke(*, certificate, actor, reason):
    """Revoke with a reason; the number is never given to anyone else."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(ERROR_REASON)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Certificate.Status.VALID:
        raise ValidationError(ERROR_NOT_VALID)
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["status", "revoked_at"])
    CertificateEvent.objects.create(
        certificate=certificate, action=CertificateEvent.Action.REVOKED,
        number=certificate.number, actor=actor, reason=reason,
    )  # fmt: skip
    webhooks.certificate_webhooks_queue(certificate_ids=[certificate.pk], event=webhooks.REVOKED)
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate, actor, reason):
    """Issue a revoked certificate again: the next number of its series, the participant's
    current final score, the same verification id (the printed QR code keeps working)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(ERROR_REASON)
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrolment__cohort__program", "enrolment__cohort__organiser")
        .get(pk=certificate.pk)
    )
    if certificate.status != Certificate.Status.REVOKED:
        raise ValidationError(ERROR_NOT_REVOKED)
    enrolment = certificate.enrolment
    enrolment.final = enrolment_final_score(enrolment)
    if not passes(enrolment):
        raise ValidationError(ERROR_NO_LONGER_PASSING)
    final = enrolment.final
    # The series of the organiser's current pattern (usually the one it was first issued in).
    pattern = number_pattern_for(enrolment.cohort)
    series = series_locked(enrolment.cohort, pattern)
    series.last_seq += 1
    series.save(update_fields=["last_seq"])
    certificate.series, certificate.seq = series, series.last_seq
    certificate.number = number_of(enrolment.cohort, series.last_seq, pattern)
    certificate.status = Certificate.Status.VALID
    certificate.revoked_at = None
    certificate.final_score, certificate.predicate = final.score, str(final.predicate)
    certificate.rendered_at = None
    certificate.save()
    CertificateEvent.objects.create(
        certificate=certificate, action=CertificateEvent.Action.REISSUED,
        number=certificate.number, actor=actor, reason=reason,
    )  # fmt: skip
    webhooks.certificate_webhooks_queue(certificate_ids=[certificate.pk], event=webhooks.REISSUED)
    transaction.on_commit(lambda: certificate_pdf_store(certificate))
    return certificate
