"""STTP certificates: who gets one, how it is numbered, how it is rendered.

Numbers are taken from a series under a row lock in the transaction that creates the
certificate, so two batches never hand out one number twice; a certificate keeps its number
and verification id when it is rendered again.
"""

import base64
import contextlib
import io
import logging
import string
import zipfile
from datetime import timedelta
from functools import lru_cache

import pikepdf
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from participants.models import Enrolment
from projects.gradebook import cohort_finals, enrolment_final_score
from projects.models import ChangeProject

from .models import (
    Certificate,
    CertificateBatch,
    CertificateEvent,
    CertificateSeries,
    NumberingPattern,
)
from .services import cohort_total_jp
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
ERROR_ATTEMPTS_EXHAUSTED = _("Penerbitan gagal setelah %(attempts)s kali percobaan: %(reason)s")
# A job whose worker keeps dying is redelivered by the broker; this many starts at most.
MAX_ATTEMPTS = 5
NOT_CERTIFIED = [
    Enrolment.Status.WITHDRAWN,
    Enrolment.Status.FAILED,
    Enrolment.Status.DEFERRED,
]
NUMBER_PATTERN = "{seq:03d}/STTP/{program}/{angkatan}/{institution}/{year}"
PATTERN_FIELDS = {"seq", "program", "angkatan", "institution", "organiser", "year"}
ERROR_PATTERN_SEQ = _("Pola nomor harus memuat {seq}, misalnya {seq:03d}.")
ERROR_PATTERN_FIELD = _(
    "Pola nomor hanya boleh memakai {seq}, {program}, {angkatan}, {institution} dan {year} "
    "(“%(field)s” tidak dikenal)."
)
ERROR_PATTERN_FORMAT = _("Pola nomor tidak dapat dipakai: %(error)s.")
ERROR_REASON = _("Tuliskan alasannya.")
ERROR_NOT_VALID = _("Hanya sertifikat yang sah yang dapat dicabut.")
ERROR_NOT_REVOKED = _("Hanya sertifikat yang dicabut yang dapat diterbitkan ulang.")
ERROR_NO_LONGER_PASSING = _(
    "Peserta ini tidak lagi memenuhi syarat kelulusan; sertifikatnya tidak dapat diterbitkan ulang."
)


class _Open:
    """Stands for the sequence in a series key: the pattern with its number left open."""


class _KeyFormatter(string.Formatter):
    def format_field(self, value, format_spec):
        if isinstance(value, _Open):
            return "{seq}"
        return super().format_field(value, format_spec)


def pattern_check(pattern):
    """Refuse a pattern without a sequence, with unknown fields, or that cannot format."""
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
    except ValueError as error:
        raise ValidationError(ERROR_PATTERN_FORMAT, params={"error": error}) from error
    unknown = fields - PATTERN_FIELDS
    if unknown:
        raise ValidationError(ERROR_PATTERN_FIELD, params={"field": sorted(unknown)[0]})
    if "seq" not in fields:
        raise ValidationError(ERROR_PATTERN_SEQ)
    try:
        pattern.format(seq=1, program="LATSAR", angkatan="72", institution="BPSDM",
                       organiser="BPSDM", year=2022)  # fmt: skip
    except (ValueError, KeyError, IndexError) as error:
        raise ValidationError(ERROR_PATTERN_FORMAT, params={"error": error}) from error


def number_pattern_for(cohort):
    """The organiser's pattern for this program, else its general pattern, else the default."""
    patterns = {
        p.program_id: p.pattern
        for p in NumberingPattern.objects.filter(institution_id=cohort.organiser_id)
    }
    return patterns.get(cohort.program_id) or patterns.get(None) or NUMBER_PATTERN


def _fields(cohort):
    code = cohort.organiser.code.upper()
    return {
        "program": cohort.program.code.upper(),
        "angkatan": cohort.angkatan_label,
        "institution": code,
        "organiser": code,
        "year": cohort.year,
    }


def number_of(cohort, seq, pattern=None):
    return (pattern or number_pattern_for(cohort)).format(seq=seq, **_fields(cohort))


def enrolments_passing(cohort):
    """Enrolments that earn a certificate: a passing final score (every component of the
    program's final score in, a passing predicate), and not withdrawn, failed or deferred.
    Each carries its `final` score."""
    return [
        enrolment
        for enrolment in cohort_finals(cohort)
        if enrolment.status not in NOT_CERTIFIED and enrolment.final.passes
    ]


def series_key(cohort, pattern=None):
    """The series a cohort's certificates are numbered in: the number with its sequence left
    open. A pattern without {angkatan} numbers all the year's cohorts in one series."""
    return _KeyFormatter().format(
        pattern or number_pattern_for(cohort), seq=_Open(), **_fields(cohort)
    )


@transaction.atomic
def certificates_ensure(*, cohort, enrolments):
    """The certificate of each enrolment, by enrolment id. Those without one are numbered
    together in this transaction, in the order given, with the next numbers of their series:
    a handful of queries whatever their count. An enrolment whose final score, read again
    under the locks, no longer passes gets none."""
    ids = [enrolment.pk for enrolment in enrolments]

    def existing():
        return {c.enrolment_id: c for c in Certificate.objects.filter(enrolment_id__in=ids)}

    certificates = existing()
    if all(pk in certificates for pk in ids):
        return certificates
    pattern = number_pattern_for(cohort)
    key = series_key(cohort, pattern)
    CertificateSeries.objects.get_or_create(key=key)
    series = CertificateSeries.objects.select_for_update().get(key=key)
    # Checked again under the lock: a concurrent batch may have just created some.
    certificates = existing()
    missing = [pk for pk in ids if pk not in certificates]
    # The scores are locked and read again: a mark lowered since the batch began counts.
    # (score_record and component_scores_record take the same locks.)
    list(Enrolment.objects.select_for_update().filter(pk__in=missing).order_by("pk"))
    list(ChangeProject.objects.select_for_update().filter(enrolment_id__in=missing).order_by("pk"))
    fresh = {e.pk: e for e in cohort_finals(cohort, only=missing)}
    created = []
    for pk in missing:
        enrolment = fresh.get(pk)
        if enrolment is None or enrolment.status in NOT_CERTIFIED or not enrolment.final.passes:
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
    final = enrolment_final_score(enrolment)
    if enrolment.status in NOT_CERTIFIED or not final.passes:
        raise ValidationError(ERROR_NO_LONGER_PASSING)
    # The series of the organiser's current pattern (usually the one it was first issued in).
    pattern = number_pattern_for(enrolment.cohort)
    key = series_key(enrolment.cohort, pattern)
    CertificateSeries.objects.get_or_create(key=key)
    series = CertificateSeries.objects.select_for_update().get(key=key)
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
    transaction.on_commit(lambda: certificate_pdf_store(certificate))
    return certificate


@lru_cache(maxsize=1)
def _weasyprint():
    # Imported once per worker process: loading WeasyPrint and its fonts is the slow part.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    return weasyprint, FontConfiguration()


@lru_cache(maxsize=32)
def image_data_uri(name):
    """A stored image (an institution's logo or signature) as a data URI, read once per
    process and name (a replaced image gets a new name)."""
    if not name:
        return ""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return ""
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def qr_svg_data_uri(url):
    # A fixed mask: choosing the best of eight costs twice the rest of the QR code, and any
    # mask scans.
    return segno.make_qr(url, error="m", mask=2).svg_data_uri(scale=4, border=2)


def certificate_render(certificate):
    """The certificate as PDF bytes, always in Indonesian (it is an official document)."""
    weasyprint, fonts = _weasyprint()
    return weasyprint.HTML(
        string=certificate_html(certificate), base_url=str(settings.BASE_DIR)
    ).write_pdf(font_config=fonts)


def certificates_render_many(certificates):
    """Several certificates rendered as the pages of one document, then split into one PDF
    each. Each page draws its own QR code inline (vector paths, no shared image), so a file
    holds only its participant's data; what pages share is the fonts, the logo and the
    signature image. Falls back to one document each if the pages do not come out one each."""
    if len(certificates) == 1:
        return [certificate_render(certificates[0])]
    head, bodies = None, []
    total_jp = cohort_total_jp(certificates[0].enrolment.cohort)
    for certificate in certificates:
        html = certificate_html(certificate, total_jp=total_jp)
        start, end = html.index("<body>") + len("<body>"), html.rindex("</body>")
        head = head or html[:start]
        bodies.append(f'<section class="sheet">{html[start:end]}</section>')
    weasyprint, fonts = _weasyprint()
    document = weasyprint.HTML(
        string=head + "".join(bodies) + "</body></html>", base_url=str(settings.BASE_DIR)
    ).write_pdf(font_config=fonts)
    with pikepdf.open(io.BytesIO(document)) as source:
        if len(source.pages) != len(certificates):
            logger.warning("certificates overflowed their page; rendering them one by one")
            return [certificate_render(c) for c in certificates]
        files = []
        for certificate, page in zip(certificates, source.pages, strict=True):
            with pikepdf.new() as single:
                single.pages.append(page)
                # Pages of one document may share a resource dictionary: keep only what this
                # page draws, so no file carries another participant's data.
                single.remove_unreferenced_resources()
                single.docinfo["/Title"] = f"STTP {certificate.number}"
                output = io.BytesIO()
                single.save(output)
                files.append(output.getvalue())
    return files


def certificate_html(certificate, total_jp=None):
    enrolment = certificate.enrolment
    cohort = enrolment.cohort
    total_jp = cohort_total_jp(cohort) if total_jp is None else total_jp
    url = certificate.get_verification_url()
    with translation.override("id"):
        return render_to_string(
            "cohorts/certificate_pdf.html",
            {
                "certificate": certificate,
                "participant": enrolment.participant,
                "cohort": cohort,
                "project": enrolment.project,
                "total_jp": total_jp,
                "verification_url": url,
                "qr_data_uri": qr_svg_data_uri(url),
                "logo_uri": image_data_uri(cohort.organiser.logo.name),
                "signature_uri": image_data_uri(cohort.organiser.head_signature.name),
            },
        )


def certificate_pdf_store(certificate):
    """Render, sign (when a key is configured) and store the certificate's PDF."""
    certificate_store(certificate, pdf_sign(certificate_render(certificate)))


def certificate_store(certificate, pdf_bytes):
    """Write the new file, point the certificate at it, then remove the old file: a download
    running meanwhile still finds the file the row names."""
    name = f"sttp-{certificate.pk}-{certificate.enrolment.participant.nip}.pdf"
    storage = certificate.pdf.storage
    old_name = certificate.pdf.name
    certificate.pdf.save(name, ContentFile(pdf_bytes), save=False)
    certificate.rendered_at = timezone.now()
    certificate.save(update_fields=["pdf", "rendered_at"])
    if old_name and old_name != certificate.pdf.name:
        storage.delete(old_name)


UNDER_WAY = [
    CertificateBatch.Status.QUEUED,
    CertificateBatch.Status.RUNNING,
    CertificateBatch.Status.MERGING,
]


def certificate_batch_start(*, cohort, requested_by):
    """Record the request, then queue the job once the request is committed.

    A second request while one is under way is refused (a double click, two staff at once).
    If the broker cannot be reached the request is marked failed with a reason, instead of
    waiting forever.
    """
    if not enrolments_passing(cohort):
        raise ValidationError(ERROR_NOTHING_TO_ISSUE)
    with transaction.atomic():
        # The cohort row is the lock that orders two requests for the same cohort.
        type(cohort).objects.select_for_update().get(pk=cohort.pk)
        batches_stalled_fail(cohort)
        if CertificateBatch.objects.filter(cohort=cohort, status__in=UNDER_WAY).exists():
            raise ValidationError(ERROR_BATCH_UNDER_WAY)
        batch = CertificateBatch.objects.create(cohort=cohort, requested_by=requested_by)
        transaction.on_commit(lambda: certificate_batch_enqueue(batch_id=batch.pk))
    return batch


def batches_stalled_fail(cohort):
    """A running batch with no progress for a while lost its worker (killed, the machine
    restarted): mark it failed so that a new request can finish the work. The new job keeps
    every certificate and number already made."""
    limit = timezone.now() - timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS)
    return CertificateBatch.objects.filter(
        cohort=cohort,
        status__in=[CertificateBatch.Status.RUNNING, CertificateBatch.Status.MERGING],
        heartbeat_at__lt=limit,
    ).update(
        status=CertificateBatch.Status.FAILED,
        error=str(ERROR_STALLED),
        finished_at=timezone.now(),
    )


def certificate_batch_enqueue(*, batch_id):
    from .tasks import certificates_issue_job

    try:
        certificates_issue_job.delay(batch_id)
    except Exception:  # the broker's many connection errors; the batch must not stay queued
        logger.exception("could not queue certificate batch %s", batch_id)
        certificate_batch_fail(batch_id=batch_id, reason=str(ERROR_QUEUE_UNREACHABLE))


def chunks_even(items, size):
    """`items` in consecutive chunks of at most `size`, as even as possible (40 by 25 gives
    20 and 20, not 25 and 15), so that workers sharing them finish together."""
    count = -(-len(items) // size)
    return [items[i * len(items) // count : (i + 1) * len(items) // count] for i in range(count)]


def certificates_issue(*, batch_id, dispatch=None):
    """The job's first step: a numbered certificate for every passing participant (one
    transaction), then their PDFs rendered in chunks by `certificates_chunk_render`. By
    default the chunks are rendered here, one after another; the Celery job passes a
    `dispatch(batch_id, chunks)` that queues all but the first, so that every worker takes a
    share.

    Safe to run again after a crash or a retry: existing certificates keep their number and
    verification id; those this batch already rendered are not rendered twice.
    """
    batch = CertificateBatch.objects.select_related("cohort__program", "cohort__organiser").get(
        pk=batch_id
    )
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
    certificates = certificates_ensure(cohort=cohort, enrolments=enrolments)
    ordered = sorted(certificates.values(), key=lambda c: (c.series_id, c.seq))
    pending = [c.pk for c in ordered if not _rendered_in(c, batch)]
    CertificateBatch.objects.filter(pk=batch.pk).update(
        total=len(ordered), rendered=len(ordered) - len(pending), heartbeat_at=timezone.now()
    )
    chunks = chunks_even(pending, settings.CERTIFICATE_PAGES_PER_DOCUMENT)
    if not chunks:
        _batch_finish(batch)
        return
    if dispatch is not None:
        # The others go to the queue; this job renders the first chunk without a round trip.
        dispatch(batch.pk, chunks[1:])
        chunks = chunks[:1]
    for chunk in chunks:
        certificates_chunk_render(batch_id=batch.pk, certificate_ids=chunk)


def _rendered_in(certificate, batch):
    return certificate.rendered_at is not None and certificate.rendered_at >= batch.created_at


def certificates_chunk_render(*, batch_id, certificate_ids):
    """Render one chunk of a batch as the pages of one document, split it into one signed PDF
    per participant and store them; the chunk that completes the batch merges its files.
    Does nothing for a batch that has stopped (failed as stalled, or finished)."""
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
        if not _rendered_in(c, batch)
    ]
    if certificates:
        # Rendered together (the slow part, shared), then one signed file per participant.
        for certificate, pdf in zip(
            certificates, certificates_render_many(certificates), strict=True
        ):
            certificate_store(certificate, pdf_sign(pdf))
    done = Certificate.objects.filter(
        enrolment__cohort_id=batch.cohort_id, rendered_at__gte=batch.created_at
    ).count()
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
        zipfile.ZipFile(archive_bytes, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for certificate in certificates:
            with certificate.pdf.open("rb") as handle:
                data = handle.read()
            merged_pdf.pages.extend(opened.enter_context(pikepdf.open(io.BytesIO(data))).pages)
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
