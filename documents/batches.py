"""Certificate batches: one staff request to issue a cohort's certificates, run as Celery
jobs that every worker shares, watched by staff on the batch page.

The first job numbers every passing participant's certificate in one transaction, then cuts
the certificates still to render into even chunks; the chunk that completes the batch merges
the files once. A stalled batch (its worker died, or its message never reached one) is
marked failed so a new request can finish the work without a second certificate or number;
the new batch renders only the certificates whose file is missing. While a job works, a
heartbeat thread tells the page that its worker is alive.
"""

import contextlib
import io
import logging
import threading
import zipfile
from datetime import timedelta

import pikepdf
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import NotificationKind
from participants.notifications import notify_each
from projects.selectors import enrolments_passing

from .bsre_signing import signing_await, uses_bsre
from .issuing import certificates_ensure
from .models import Certificate, CertificateBatch
from .rendering import certificate_store, certificates_render_many
from .signing import pdf_sign

logger = logging.getLogger(__name__)

ERROR_NOTHING_TO_ISSUE = _("Belum ada peserta yang lulus di angkatan ini.")
ERROR_BATCH_UNDER_WAY = _(
    "Penerbitan sertifikat angkatan ini sedang berjalan; tunggu sampai selesai."
)
ERROR_QUEUE_UNREACHABLE = _(
    "Antrean tugas tidak dapat dihubungi, penerbitan belum dimulai. Coba lagi nanti."
)
ERROR_STALLED = _(
    "Pekerja berhenti di tengah penerbitan. Sertifikat yang sudah dibuat tetap; terbitkan lagi "
    "untuk menyelesaikan sisanya."
)
ERROR_NEVER_TAKEN = _(
    "Permintaan penerbitan tidak pernah diambil pekerja: pesannya hilang dari antrean atau tidak "
    "ada pekerja yang berjalan. Terbitkan lagi untuk memulai ulang."
)
ERROR_ATTEMPTS_EXHAUSTED = _("Penerbitan gagal setelah %(attempts)s kali percobaan: %(reason)s")
# A job whose worker keeps dying is redelivered by the broker; this many starts at most.
MAX_ATTEMPTS = 5
UNDER_WAY = [
    CertificateBatch.Status.QUEUED,
    CertificateBatch.Status.RUNNING,
    CertificateBatch.Status.MERGING,
]


def batches_stalled_fail(cohort):
    """A running batch without a heartbeat for a while lost its worker (killed, the machine
    restarted); a queued batch that old was never taken by one (its message was lost, or no
    worker runs). Mark them failed so that a new request can finish the work. The new job keeps
    every certificate and number already made. Returns how many were marked."""
    now = timezone.now()
    limit = now - timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS)
    batches = CertificateBatch.objects.filter(cohort=cohort)
    failed = {"status": CertificateBatch.Status.FAILED, "finished_at": now}
    stalled = batches.filter(
        status__in=[CertificateBatch.Status.RUNNING, CertificateBatch.Status.MERGING],
        heartbeat_at__lt=limit,
    ).update(error=str(ERROR_STALLED), **failed)
    # A queued batch has no heartbeat yet: its age is counted from the request. The job's
    # start (QUEUED -> RUNNING) and this are both conditional updates, so only one wins.
    never_taken = batches.filter(
        status=CertificateBatch.Status.QUEUED, created_at__lt=limit
    ).update(error=str(ERROR_NEVER_TAKEN), **failed)
    return stalled + never_taken


@contextlib.contextmanager
def batch_heartbeat(batch_id):
    """While the block runs, a background thread sets the batch's heartbeat_at every fifth of
    the stall limit, so a chunk that renders for longer than the limit is not taken for dead
    while its worker lives; when the worker dies, the thread dies with it and the heartbeat
    stops. Only a running or merging batch is touched: a batch already failed or done stays
    so."""
    interval = max(settings.CERTIFICATE_BATCH_STALL_SECONDS / 5, 0.1)
    stop = threading.Event()

    def beat():
        # A thread has its own database connection (Django's are per thread); it is closed
        # here, since nothing else would close it.
        try:
            while not stop.wait(interval):
                try:
                    CertificateBatch.objects.filter(
                        pk=batch_id,
                        status__in=[
                            CertificateBatch.Status.RUNNING,
                            CertificateBatch.Status.MERGING,
                        ],
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a missed beat is no reason to stop beating
                    logger.exception("heartbeat of certificate batch %s", batch_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"batch-{batch_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def chunks_even(items, size):
    """`items` in consecutive chunks of at most `size`, as even as possible (40 by 25 gives
    20 and 20, not 25 and 15), so that workers sharing them finish together."""
    count = -(-len(items) // size)
    return [items[i * len(items) // count : (i + 1) * len(items) // count] for i in range(count)]


def certificates_issue(*, batch_id, dispatch=None):
    """The job's first step: a numbered certificate for every passing participant (one
    transaction), then their PDFs rendered in chunks by `certificates_chunk_render`. By
    default the chunks are rendered here, one after another; the Celery job passes a
    `dispatch(batch_id, chunks, complete_before)` that queues all but the first, so that every
    worker takes a share.

    Safe to run again after a crash or a retry: existing certificates keep their number and
    verification id; only those without their file (see `_complete`) are rendered, so a
    certificate is not rendered twice by one batch, nor again by a batch after a failed one.
    """
    with batch_heartbeat(batch_id):
        _certificates_issue(batch_id, dispatch)


def _certificates_issue(batch_id, dispatch):
    batch = CertificateBatch.objects.select_related(
        "cohort__program", "cohort__organiser", "requested_by"
    ).get(pk=batch_id)
    cohort = batch.cohort
    if batch.attempts >= MAX_ATTEMPTS:
        certificate_batch_fail(
            batch_id=batch.pk,
            reason=ERROR_ATTEMPTS_EXHAUSTED % {"attempts": batch.attempts, "reason": batch.error},
        )
        return
    # A batch already failed or done stays so: a message the broker delivers late (after a
    # stall, or after a new batch finished the work) does nothing.
    started = CertificateBatch.objects.filter(
        pk=batch.pk,
        status__in=[CertificateBatch.Status.QUEUED, CertificateBatch.Status.RUNNING],
    ).update(
        status=CertificateBatch.Status.RUNNING,
        heartbeat_at=timezone.now(),
        started_at=batch.started_at or timezone.now(),
        attempts=batch.attempts + 1,
        error="",
    )
    if not started:
        return
    enrolments = enrolments_passing(cohort)
    certificates = certificates_ensure(cohort=cohort, enrolments=enrolments, batch=batch)
    ordered = sorted(certificates.values(), key=lambda c: (c.series_id, c.seq))
    complete = {c.pk for c in ordered if _complete(c)}
    pending = [c.pk for c in ordered if c.pk not in complete]
    # Complete before this batch began (by an earlier batch): counted once here, since the
    # chunks count only what is rendered from now on.
    complete_before = sum(
        1 for c in ordered if c.pk in complete and c.rendered_at < batch.created_at
    )
    CertificateBatch.objects.filter(pk=batch.pk).update(
        total=len(ordered),
        rendered=Greatest("rendered", Value(len(complete))),
        heartbeat_at=timezone.now(),
    )
    batch.total = len(ordered)
    chunks = chunks_even(pending, settings.CERTIFICATE_PAGES_PER_DOCUMENT)
    if not chunks:
        _batch_finish(batch)
        return
    if dispatch is not None:
        # The others go to the queue; this job renders the first chunk without a round trip.
        dispatch(batch.pk, chunks[1:], complete_before)
        chunks = chunks[:1]
    for chunk in chunks:
        _chunk_render(batch.pk, chunk, complete_before)


def _complete(certificate):
    """Whether a certificate's PDF is in place: rendered since its data last changed (a
    reissue clears rendered_at) and its file still in storage. Only the others are rendered:
    by a retried chunk, by a job delivered again, and by a new batch after a failed one. A
    change of the institution's look does not make a certificate incomplete: an issued
    certificate keeps the look it was rendered with."""
    return (
        certificate.rendered_at is not None
        and bool(certificate.pdf)
        and certificate.pdf.storage.exists(certificate.pdf.name)
    )


def certificates_chunk_render(*, batch_id, certificate_ids, complete_before=0):
    """Render one chunk of a batch as the pages of one document, split it into one signed PDF
    per participant and store them; the chunk that completes the batch merges its files.
    Does nothing for a batch that has stopped (failed as stalled, or finished).

    `complete_before` is how many of the batch's certificates were complete before it began
    (0 in a message of the previous release, whose batches rendered every certificate)."""
    with batch_heartbeat(batch_id):
        _chunk_render(batch_id, certificate_ids, complete_before)


def _chunk_render(batch_id, certificate_ids, complete_before):
    batch = CertificateBatch.objects.select_related("cohort__program").get(pk=batch_id)
    if batch.status != CertificateBatch.Status.RUNNING:
        return
    certificates = [
        c
        for c in Certificate.objects.filter(pk__in=certificate_ids).select_related(
            "enrolment__participant__agency",
            "enrolment__project",
            "enrolment__cohort__program",
            "enrolment__cohort__organiser",
        )  # fmt: skip
        if not _complete(c)
    ]
    if certificates:
        # Rendered together (the slow part, shared), then one signed file per participant.
        # An institution that signs through BSrE keeps them unsigned until its signer
        # approves the batch (documents.bsre_signing).
        sign = (lambda pdf: pdf) if uses_bsre(batch.cohort.organiser_id) else pdf_sign
        for certificate, pdf in zip(
            certificates, certificates_render_many(certificates), strict=True
        ):
            certificate_store(certificate, sign(pdf))
    # What was complete before the batch, and what it has rendered since it began (this
    # chunk, the others, an earlier try of this one): a row counts once however often it was
    # rendered.
    done = complete_before + (
        Certificate.objects.filter(
            enrolment__cohort_id=batch.cohort_id, rendered_at__gte=batch.created_at
        ).count()
    )
    done = min(done, batch.total)
    # Greatest: two chunks finishing at once never move the count backwards.
    CertificateBatch.objects.filter(pk=batch.pk).update(
        rendered=Greatest("rendered", Value(done)), heartbeat_at=timezone.now()
    )
    if done >= batch.total:
        _batch_finish(batch)


def _batch_finish(batch):
    """Merge the files and mark the batch done, once: the chunk that claims the batch (one
    atomic update) does it. If merging fails, the batch is running again, so a retry can."""
    claimed = CertificateBatch.objects.filter(
        pk=batch.pk, status=CertificateBatch.Status.RUNNING
    ).update(status=CertificateBatch.Status.MERGING, heartbeat_at=timezone.now())
    if not claimed:
        return
    merging = CertificateBatch.objects.filter(pk=batch.pk, status=CertificateBatch.Status.MERGING)
    try:
        batch_bundle(batch)
    except Exception:
        merging.update(status=CertificateBatch.Status.RUNNING)
        raise
    merging.update(status=CertificateBatch.Status.DONE, finished_at=timezone.now())
    logger.info("certificates issued for %s: %d", batch.cohort, batch.total)
    if uses_bsre(batch.cohort.organiser_id):
        # Rendered, not signed: the signer approves, then participants are told.
        signing_await(batch)
        return
    certificates_ready_notify(batch.cohort)


def certificates_ready_notify(cohort):
    """Tell each participant whose certificate is ready, with its download link. Once per
    certificate: a batch run again after a failure, or a reissue, tells nobody twice."""
    certificates = (
        Certificate.objects.filter(enrolment__cohort=cohort, status=Certificate.Status.VALID)
        .exclude(pdf="")
        .select_related("enrolment__participant__user")
    )
    notify_each(
        kind=NotificationKind.CERTIFICATE_READY,
        entries=[
            (
                c.enrolment.participant,
                reverse("documents:certificate_download", args=[c.pk]),
                f"certificate:{c.pk}",
            )
            for c in certificates
        ],
        subject=_("Sertifikat Anda siap diunduh"),
        body=_("Sertifikat %(cohort)s Anda sudah terbit. Unduh melalui tautan ini.")
        % {"cohort": cohort},
        cohort=cohort,
    )


def batch_bundle(batch):
    """One PDF of every valid certificate of the cohort, in number order, and a ZIP of their
    files. Made again on every run, so a retried job leaves complete files."""
    certificates = list(
        Certificate.objects.filter(enrolment__cohort=batch.cohort, status=Certificate.Status.VALID)
        .exclude(pdf="")
        .select_related("enrolment__participant")
        .order_by("series_id", "seq")
    )
    archive_bytes, merged = io.BytesIO(), io.BytesIO()
    # Every file stays open until the merged one is saved (pikepdf copies pages lazily).
    with (
        contextlib.ExitStack() as opened,
        pikepdf.new() as merged_pdf,
        # Stored, not deflated: the PDFs are compressed already, and deflating them again
        # lengthened the batch's serial end by about 8 ms a certificate for no smaller file.
        zipfile.ZipFile(archive_bytes, "w", zipfile.ZIP_STORED) as archive,
    ):
        for certificate in certificates:
            with certificate.pdf.open("rb") as handle:
                data = handle.read()
            # The merged file is for printing: a signature covers the bytes of its own file,
            # so the signature fields would be invalid here and are left out (each
            # certificate's own file in the ZIP keeps its signature).
            merged_pdf.add_pages_from(
                opened.enter_context(pikepdf.open(io.BytesIO(data))), forms="strip"
            )
            archive.writestr(f"STTP-{certificate.enrolment.participant.nip}.pdf", data)
        merged_pdf.save(merged)
    cohort = batch.cohort
    stem = f"sttp-{cohort.program.code}-{cohort.angkatan}-{cohort.year}"
    old = [name for name in (batch.merged_pdf.name, batch.archive.name) if name]
    batch.merged_pdf.save(f"{stem}.pdf", ContentFile(merged.getvalue()), save=False)
    batch.archive.save(f"{stem}.zip", ContentFile(archive_bytes.getvalue()), save=False)
    batch.save(update_fields=["merged_pdf", "archive"])
    for name in old:
        if name not in (batch.merged_pdf.name, batch.archive.name):
            batch.merged_pdf.storage.delete(name)


def certificate_batch_fail(*, batch_id, reason):
    CertificateBatch.objects.filter(pk=batch_id).update(
        status=CertificateBatch.Status.FAILED, error=reason, finished_at=timezone.now()
    )
