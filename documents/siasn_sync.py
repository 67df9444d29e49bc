"""Writing each issued certificate into SIASN as the graduate's riwayat diklat, once.

A record is never sent twice:
- a push claims its row (NOT_SENT or FAILED, or SENDING left by a lost worker) by one
  conditional UPDATE to SENDING; a row another worker holds, or already sent, is left alone;
- SIASN's id is stored as soon as SIASN answers the save, so a retry only attaches the PDF;
- when an attempt ended without an answer (a timeout after SIASN stored the record), the next
  one first looks the certificate number up in SIASN's riwayat diklat and saves only if it is
  not there.
Errors SIASN may get over (no answer, 5xx, a garbled answer) are retried by the record's job a
bounded number of times; a refusal is kept with SIASN's reason for staff to fix and retry.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from config.integrations import siasn
from config.integrations.base import IntegrationError
from participants.siasn import structural_kind_of

from .models import Certificate
from .siasn_models import SiasnSync

MAX_RETRIES = 3
# A row SENDING for longer lost its worker (the record's job gives up long before).
STALE_CLAIM = timedelta(minutes=15)
SENDABLE = (SiasnSync.Status.NOT_SENT, SiasnSync.Status.FAILED)


class NotSendable(IntegrationError):
    """Angkatan cannot send this certificate as it is (no PDF, a program SIASN does not
    record): not retried."""

    def __init__(self, message):
        super().__init__(siasn.SYSTEM, message)


def cohort_certificates(cohort):
    """The cohort's valid certificates, each with its participant and SIASN row, in number
    order: the sync page's rows."""
    return (
        Certificate.objects.filter(enrolment__cohort=cohort, status=Certificate.Status.VALID)
        .select_related("enrolment__participant", "siasn")
        .order_by("series_id", "seq")
    )


def siasn_summary(cohort):
    """How many certificates are in each state, and in all (one query)."""
    counts = cohort_certificates(cohort).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(siasn__status=SiasnSync.Status.SENT)),
        sending=Count("pk", filter=Q(siasn__status=SiasnSync.Status.SENDING)),
        failed=Count("pk", filter=Q(siasn__status=SiasnSync.Status.FAILED)),
    )
    counts["not_sent"] = counts["total"] - counts["sent"] - counts["sending"] - counts["failed"]
    return counts


@transaction.atomic
def siasn_push_request(*, cohort, requested_by=None, certificate=None):
    """Queue the cohort's certificates not yet sent (or one certificate) for SIASN. Returns
    how many were queued."""
    certificates = cohort_certificates(cohort)
    if certificate is not None:
        certificates = certificates.filter(pk=certificate.pk)
    SiasnSync.objects.bulk_create(
        [SiasnSync(certificate_id=pk, requested_by=requested_by)
         for pk in certificates.filter(siasn__isnull=True).values_list("pk", flat=True)],
        ignore_conflicts=True,
    )  # fmt: skip
    ids = list(
        SiasnSync.objects.filter(certificate__in=certificates, status__in=SENDABLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        # Failed ones show as waiting again until a worker takes them.
        SiasnSync.objects.filter(pk__in=ids).update(
            status=SiasnSync.Status.NOT_SENT, requested_by=requested_by, error=""
        )
        transaction.on_commit(lambda: siasn_push_job.delay(ids))
    return len(ids)


def _claim(sync_id):
    """Take the row for this worker: True if it was sendable and is now ours."""
    now = timezone.now()
    sendable = Q(status__in=SENDABLE) | Q(
        status=SiasnSync.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        SiasnSync.objects.filter(sendable, pk=sync_id).update(
            status=SiasnSync.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _submission(certificate, pns_id):
    cohort = certificate.enrolment.cohort
    kind = structural_kind_of(cohort.program.code)
    if kind is None:
        raise NotSendable(
            _("Program %(program)s belum dipetakan ke jenis diklat SIASN.")
            % {"program": cohort.program.name}
        )
    return siasn.TrainingSubmission(
        pns_id=pns_id,
        kind_id=kind,
        number=certificate.number,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        year=cohort.end_date.year,
        hours=cohort.phases.aggregate(total=Sum("jp"))["total"] or 0,
        organiser=cohort.organiser.name,
    )


def _pdf_of(certificate):
    if not certificate.pdf:
        raise NotSendable(_("PDF sertifikat %(number)s belum dibuat.")
                          % {"number": certificate.number})  # fmt: skip
    with certificate.pdf.open("rb") as file:
        return file.read()


def siasn_record_push(*, sync_id):
    """Send one certificate to SIASN if nobody else is or has. Returns the row, or None when
    it was not ours to send. Raises the client's error after recording it on the row."""
    if not _claim(sync_id):
        return None
    sync = SiasnSync.objects.select_related(
        "certificate__enrolment__participant",
        "certificate__enrolment__cohort__program",
        "certificate__enrolment__cohort__organiser",
    ).get(pk=sync_id)
    certificate = sync.certificate
    nip = certificate.enrolment.participant.nip
    try:
        pdf = _pdf_of(certificate)
        if not sync.siasn_id and sync.attempts > 1:
            # An earlier attempt may have been stored by SIASN with its answer lost.
            found = siasn.training_find(nip, certificate.number)
            if found is not None:
                sync.siasn_id = found.id
                sync.save(update_fields=["siasn_id", "updated_at"])
        if not sync.siasn_id:
            person = siasn.data_utama(nip)
            sync.siasn_id = siasn.training_save(_submission(certificate, person.pns_id))
            sync.save(update_fields=["siasn_id", "updated_at"])
        if not sync.document_sent:
            siasn.document_upload(sync.siasn_id, pdf, f"STTP-{nip}.pdf")
            sync.document_sent = True
    except Exception as error:
        # Whatever stopped it (SIASN, or the PDF's storage), the row says so and can be
        # retried; it does not stay "sending".
        reason = str(error) if isinstance(error, IntegrationError) else repr(error)
        sync.status, sync.error = SiasnSync.Status.FAILED, reason
        sync.save(update_fields=["status", "error", "document_sent", "updated_at"])
        raise
    sync.status, sync.error, sync.sent_at = SiasnSync.Status.SENT, "", timezone.now()
    sync.save(update_fields=["status", "error", "document_sent", "sent_at", "updated_at"])
    return sync


# -- jobs (registered through documents.tasks) ------------------------------------------------


@shared_task(name="documents.tasks.siasn_push_job", acks_late=True)
def siasn_push_job(sync_ids):
    """A cohort's request: one job per record, so one record's retries never hold the rest."""
    for sync_id in sync_ids:
        siasn_record_job.delay(sync_id)


@shared_task(
    name="documents.tasks.siasn_record_job",
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def siasn_record_job(task, sync_id):
    try:
        siasn_record_push(sync_id=sync_id)
    except IntegrationError as error:
        if error.retryable and task.request.retries < task.max_retries:
            raise task.retry(exc=error, countdown=settings.SIASN_RETRY_DELAY) from error
        # Recorded on the row with the reason; staff retry from the sync page.
