"""Certificates signed through BSrE (config.integrations.bsre) for the institutions whose
signatory says so (InstitutionSigner, mode BSrE or seal).

The flow (docs/integrations-bsre.md): the batch renders its PDFs unsigned and its signing
waits (*Menunggu tanda tangan*). The institution's signer approves the whole batch once, with
NIK and passphrase, or with the code of the seal's authenticator, which buys at once a TOTP
for as many files. The approval is held in the shared cache, encrypted, for
BSRE_APPROVAL_SECONDS and never written anywhere else: the job's message carries only the
signing's id (docs/decisions.md, "BSrE approval: held in the cache, encrypted, for minutes").

The job signs each certificate in turn, checks the file BSrE returns (the same document,
signed, intact, by a certificate under BSRE_TRUST_ROOTS) and only then puts it in place of
the unsigned one. An outage stops it: what is signed stays signed, the rest stay pending with
the reason, and *Lanjutkan* signs only the rest (with the approval again once it expired).
"""

import base64
import datetime
import hashlib
import io
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.integrations import bsre
from config.integrations.base import IntegrationError, NotConfigured, Refused

from .bsre_models import BatchSigning, CertificateSignature, InstitutionSigner, SigningEvent
from .models import Certificate

logger = logging.getLogger(__name__)

ERROR_NOT_SIGNER = gettext_lazy("Hanya penanda tangan lembaga ini yang dapat menyetujui.")
ERROR_NOT_WAITING = gettext_lazy("Penandatanganan ini tidak sedang menunggu persetujuan.")
ERROR_NIK = gettext_lazy("NIK tidak sama dengan NIK penanda tangan lembaga.")
ERROR_PASSPHRASE = gettext_lazy("Isi passphrase.")
ERROR_TOTP = gettext_lazy("Isi kode TOTP segel (6 angka).")
ERROR_APPROVAL_EXPIRED = gettext_lazy(
    "Persetujuan sudah kedaluwarsa; masukkan lagi NIK dan passphrase (atau kode TOTP)."
)
ERROR_NOT_SAME = gettext_lazy(
    "Berkas yang dikembalikan BSrE bukan dokumen yang dikirim; berkas tidak disimpan."
)
ERROR_NO_SIGNATURE = gettext_lazy("Berkas yang dikembalikan BSrE tidak bertanda tangan.")
ERROR_NOT_WHOLE = gettext_lazy("Tanda tangan BSrE tidak mencakup seluruh berkas.")
ERROR_NOT_VALID = gettext_lazy(
    "Tanda tangan pada berkas dari BSrE tidak sah (%(reason)s); berkas tidak disimpan."
)
ERROR_STALLED = gettext_lazy(
    "Pekerja berhenti di tengah penandatanganan. Yang sudah ditandatangani tetap; "
    "lanjutkan untuk menandatangani sisanya."
)


# -- who signs -----------------------------------------------------------------------------


def signer_of(institution_id):
    """The institution's signatory record, or None (the local key and the head's fields)."""
    return InstitutionSigner.objects.filter(institution_id=institution_id).first()


def uses_bsre(institution_id):
    return InstitutionSigner.objects.filter(
        institution_id=institution_id,
        mode__in=[InstitutionSigner.Mode.BSRE, InstitutionSigner.Mode.SEAL],
    ).exists()


def signatory_for(institution, signer=None):
    """What the certificate's signature block prints: the signatory's name, NIP and title
    (with "Plt." for an acting head), else the head the certificate page names."""
    if signer is not None and signer.name:
        return {
            "name": signer.name,
            "nip": signer.nip,
            "title": signer.display_title,
            "bsre": signer.uses_bsre,
        }
    return {
        "name": institution.head_name,
        "nip": institution.head_nip,
        "title": institution.head_title,
        "bsre": False,
    }


def is_signer(user):
    """Whether the account approves some institution's batches (their page and queue)."""
    return InstitutionSigner.objects.filter(user_id=user.pk).exists()


# -- the approval, held for minutes --------------------------------------------------------


def _cache_key(signing):
    return f"bsre-approval:{signing.pk}"


def _fernet(signing):
    from cryptography.fernet import Fernet

    # A key of this signing's own, from SECRET_KEY: the cache (a database table, or Redis)
    # alone does not read the approval.
    digest = salted_hmac(
        "documents.bsre_signing.approval", str(signing.pk), algorithm="sha256"
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def approval_hold(signing, secret):
    token = _fernet(signing).encrypt(json.dumps(secret).encode())
    cache.set(_cache_key(signing), token, timeout=settings.BSRE_APPROVAL_SECONDS)


def approval_read(signing):
    """The approval ({"nik", "passphrase"} or {"totp"}), or None once it expired."""
    from cryptography.fernet import InvalidToken

    token = cache.get(_cache_key(signing))
    if token is None:
        return None
    try:
        data = _fernet(signing).decrypt(token, ttl=settings.BSRE_APPROVAL_SECONDS)
    except InvalidToken:
        return None
    return json.loads(data)


def approval_drop(signing):
    cache.delete(_cache_key(signing))


# -- waiting for the signer ----------------------------------------------------------------


@transaction.atomic
def signing_await(batch):
    """After a batch of a BSrE institution has rendered: every valid certificate of the
    cohort not signed since it was last rendered is pending in this batch's signing."""
    signing, _created = BatchSigning.objects.get_or_create(batch=batch)
    certificates = list(
        Certificate.objects.filter(
            enrolment__cohort_id=batch.cohort_id, status=Certificate.Status.VALID
        ).exclude(pdf="")
    )
    rows = {
        row.certificate_id: row
        for row in CertificateSignature.objects.filter(certificate__in=certificates)
    }
    new, again = [], []
    for certificate in certificates:
        row = rows.get(certificate.pk)
        if row is None:
            new.append(CertificateSignature(certificate=certificate, signing=signing))
        elif not (
            row.state == CertificateSignature.State.SIGNED
            and row.signed_at
            and certificate.rendered_at
            and row.signed_at >= certificate.rendered_at
        ):
            # Pending in an earlier batch, or rendered again (a reissue) since it was signed.
            again.append(row.pk)
    CertificateSignature.objects.bulk_create(new)
    CertificateSignature.objects.filter(pk__in=again).update(
        signing=signing, state=CertificateSignature.State.PENDING, signed_at=None
    )
    pending = len(new) + len(again)
    signing.total = len(certificates)
    signing.signed = len(certificates) - pending
    signing.state = BatchSigning.State.AWAITING if pending else BatchSigning.State.DONE
    signing.save(update_fields=["total", "signed", "state"])
    return signing


def _check_signer(signing, user):
    signer = signer_of(signing.batch.cohort.organiser_id)
    if signer is None or not signer.uses_bsre or signer.user_id != user.pk:
        raise PermissionDenied(ERROR_NOT_SIGNER)
    return signer


def signing_approve(*, signing, user, nik="", passphrase="", totp=""):
    """The signer approves the batch: NIK and passphrase (a person) or the seal's code. The
    approval is held (encrypted, minutes) and the job queued. Errors name their field."""
    signer = _check_signer(signing, user)
    if signing.state not in (BatchSigning.State.AWAITING, BatchSigning.State.INTERRUPTED):
        raise ValidationError(ERROR_NOT_WAITING)
    if not bsre.configured():
        raise ValidationError(str(NotConfigured(bsre.SYSTEM, "BSRE_BASE_URL")))
    if not settings.BSRE_TRUST_ROOTS:
        raise ValidationError(str(NotConfigured(bsre.SYSTEM, "BSRE_TRUST_ROOTS")))
    if signer.mode == InstitutionSigner.Mode.BSRE:
        errors = {}
        if "".join(nik.split()) != signer.nik:
            errors["nik"] = ERROR_NIK
        if not passphrase:
            errors["passphrase"] = ERROR_PASSPHRASE
        if errors:
            raise ValidationError(errors)
        secret = {"nik": signer.nik, "passphrase": passphrase}
    else:
        totp = "".join(totp.split())
        if not (totp.isdigit() and len(totp) == 6):
            raise ValidationError({"totp": ERROR_TOTP})
        pending = signing.signatures.filter(state=CertificateSignature.State.PENDING).count()
        try:
            # The authenticator's code lasts 30 seconds; BSrE trades it now for a TOTP good
            # for every file of the batch.
            granted = bsre.seal_totp(id_subscriber=signer.seal_id, totp=totp, count=pending)
        except Refused as error:
            raise ValidationError({"totp": str(error)}) from error
        except IntegrationError as error:
            raise ValidationError(str(error)) from error
        secret = {"seal_totp": granted.totp}
    approval_hold(signing, secret)
    resumed = signing.state == BatchSigning.State.INTERRUPTED
    _queue(signing, user, SigningEvent.Action.RESUMED if resumed else SigningEvent.Action.APPROVED)


def signing_resume(*, signing, user):
    """*Lanjutkan* without typing again, while the approval is still held; else
    ValidationError(ERROR_APPROVAL_EXPIRED) and the page asks for it."""
    _check_signer(signing, user)
    if signing.state != BatchSigning.State.INTERRUPTED:
        raise ValidationError(ERROR_NOT_WAITING)
    if approval_read(signing) is None:
        raise ValidationError(ERROR_APPROVAL_EXPIRED)
    _queue(signing, user, SigningEvent.Action.RESUMED)


@transaction.atomic
def _queue(signing, user, action):
    moved = BatchSigning.objects.filter(
        pk=signing.pk,
        state__in=[BatchSigning.State.AWAITING, BatchSigning.State.INTERRUPTED],
    ).update(
        state=BatchSigning.State.QUEUED,
        approved_by=user,
        approved_at=timezone.now(),
        heartbeat_at=timezone.now(),
        error="",
    )
    if not moved:
        raise ValidationError(ERROR_NOT_WAITING)
    SigningEvent.objects.create(signing=signing, action=action, actor=user)

    def send():
        from .tasks import batch_bsre_sign_job

        batch_bsre_sign_job.delay(signing.pk)

    transaction.on_commit(send)


def signing_stalled_interrupt(signing):
    """A signing without a heartbeat for CERTIFICATE_BATCH_STALL_SECONDS lost its worker
    (or its message): it stops, resumable. Returns whether it did."""
    limit = timezone.now() - datetime.timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS)
    stalled = BatchSigning.objects.filter(
        pk=signing.pk,
        state__in=[BatchSigning.State.QUEUED, BatchSigning.State.SIGNING],
        heartbeat_at__lt=limit,
    ).update(state=BatchSigning.State.INTERRUPTED, error=str(ERROR_STALLED))
    if stalled:
        SigningEvent.objects.create(
            signing=signing, action=SigningEvent.Action.INTERRUPTED, detail=str(ERROR_STALLED)
        )
    return bool(stalled)


# -- the job -------------------------------------------------------------------------------


class SignatureRejected(Exception):
    """The file BSrE returned is not kept: str() says why, for staff."""


def trust_roots():
    """The CA certificates of BSRE_TRUST_ROOTS (one PEM file, one or more certificates)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    if not settings.BSRE_TRUST_ROOTS:
        raise NotConfigured(bsre.SYSTEM, "BSRE_TRUST_ROOTS")
    with open(settings.BSRE_TRUST_ROOTS, "rb") as handle:
        data = handle.read()
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def signed_pdf_check(sent, returned, roots):
    """Refuse (SignatureRejected) a returned file that is not `sent` with one signature
    added after it (an incremental update covering the whole file), or whose signature is
    not intact, valid and from a certificate under `roots`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not returned.startswith(sent) or len(returned) == len(sent):
        raise SignatureRejected(str(ERROR_NOT_SAME))
    try:
        signatures = PdfFileReader(io.BytesIO(returned)).embedded_signatures
    except Exception as error:  # a file pyHanko cannot read is no signed certificate
        raise SignatureRejected(str(ERROR_NO_SIGNATURE)) from error
    if not signatures:
        raise SignatureRejected(str(ERROR_NO_SIGNATURE))
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    except (SignatureValidationError, ValueError) as error:
        raise SignatureRejected(str(ERROR_NOT_VALID % {"reason": error})) from error
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise SignatureRejected(str(ERROR_NOT_WHOLE))
    if not status.intact:
        raise SignatureRejected(str(ERROR_NOT_VALID % {"reason": _("isi berubah")}))
    if not status.valid:
        raise SignatureRejected(str(ERROR_NOT_VALID % {"reason": _("tanda tangan rusak")}))
    if not status.trusted:
        raise SignatureRejected(
            str(ERROR_NOT_VALID % {"reason": _("penerbit sertifikat tidak dipercaya")})
        )
    return status


def appearance_for(batch, signer):
    """The visible signature: over the empty space of the certificate's signature block,
    between the title and the name (documents/certificate_pdf.html, A4 landscape: the block's
    centre is 225 mm from the left edge; measured on a rendered certificate), with the head's
    signature image when the certificate page has one. BSrE measures from the top left
    corner, in points."""
    from .pdf import image_data_uri

    image = None
    uri = image_data_uri(batch.cohort.organiser.head_signature.name)
    if uri:
        image = base64.b64decode(uri.split(",", 1)[1])
    mm = 72 / 25.4
    return bsre.Appearance(
        visible=True,
        page=1,
        x=195 * mm,
        y=156 * mm,
        width=60 * mm,
        height=18 * mm,
        image=image,
        location=batch.cohort.organiser.city or settings.SIGNING_LOCATION,
        reason="Surat Tanda Tamat Pelatihan",
    )


def batch_sign(*, signing_id):
    """The job: sign every pending certificate of the signing, one by one."""
    from .batches import batch_bundle, certificates_ready_notify
    from .rendering import certificate_store

    claimed = BatchSigning.objects.filter(pk=signing_id, state=BatchSigning.State.QUEUED).update(
        state=BatchSigning.State.SIGNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return  # a message delivered again, or a signing stopped meanwhile
    signing = BatchSigning.objects.select_related("batch__cohort__organiser").get(pk=signing_id)
    batch = signing.batch
    secret = approval_read(signing)
    if secret is None:
        _interrupt(signing, str(ERROR_APPROVAL_EXPIRED))
        return
    signer = signer_of(batch.cohort.organiser_id)
    try:
        roots = trust_roots()
    except (OSError, ValueError, IntegrationError) as error:
        _interrupt(signing, str(error))
        return
    appearance = appearance_for(batch, signer)
    pending = (
        CertificateSignature.objects.filter(
            signing=signing, state=CertificateSignature.State.PENDING
        )
        .select_related("certificate__enrolment__participant")
        .order_by("certificate__series_id", "certificate__seq")
    )
    for row in pending:
        certificate = row.certificate
        with certificate.pdf.open("rb") as handle:
            sent = handle.read()
        CertificateSignature.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1, sent_sha256=hashlib.sha256(sent).hexdigest()
        )
        try:
            if "seal_totp" in secret:
                returned = bsre.seal_pdf(
                    sent, id_subscriber=signer.seal_id, totp=secret["seal_totp"],
                    appearance=appearance,
                )  # fmt: skip
            else:
                returned = bsre.sign_pdf(
                    sent, nik=secret["nik"], passphrase=secret["passphrase"], appearance=appearance
                )
            signed_pdf_check(sent, returned, roots)
        except IntegrationError as error:
            if not error.retryable:
                # Refused (a wrong passphrase, an unknown NIK, a spent TOTP): the approval
                # will not work again; the signer approves anew.
                approval_drop(signing)
            _interrupt(signing, str(error))
            return
        except SignatureRejected as error:
            _interrupt(signing, str(error))
            return
        certificate_store(certificate, returned)
        with transaction.atomic():
            CertificateSignature.objects.filter(pk=row.pk).update(
                state=CertificateSignature.State.SIGNED,
                reason="",
                signed_at=timezone.now(),
                signed_sha256=hashlib.sha256(returned).hexdigest(),
            )
            BatchSigning.objects.filter(pk=signing.pk).update(
                signed=F("signed") + 1, heartbeat_at=timezone.now()
            )
    approval_drop(signing)
    BatchSigning.objects.filter(pk=signing.pk).update(
        state=BatchSigning.State.DONE, error="", heartbeat_at=timezone.now()
    )
    SigningEvent.objects.create(signing=signing, action=SigningEvent.Action.DONE)
    # The ZIP and the PDF to print are made again from the signed files; participants are
    # told only now that their certificate is ready.
    batch_bundle(batch)
    certificates_ready_notify(batch.cohort)
    logger.info("BSrE signed the certificates of %s", batch.cohort)


@transaction.atomic
def _interrupt(signing, reason):
    """Stop with the reason: the rest stay pending, each saying why, and an event says so."""
    CertificateSignature.objects.filter(
        signing=signing, state=CertificateSignature.State.PENDING
    ).update(reason=reason)
    BatchSigning.objects.filter(pk=signing.pk).update(
        state=BatchSigning.State.INTERRUPTED, error=reason, heartbeat_at=timezone.now()
    )
    SigningEvent.objects.create(
        signing=signing, action=SigningEvent.Action.INTERRUPTED, detail=reason
    )
    logger.warning("BSrE signing %s stopped: %s", signing.pk, reason)


def signing_fail(*, signing_id, reason):
    """The job broke on something else than BSrE (storage, a bug): stopped, resumable."""
    signing = BatchSigning.objects.filter(
        pk=signing_id, state__in=[BatchSigning.State.QUEUED, BatchSigning.State.SIGNING]
    ).first()
    if signing is not None:
        _interrupt(signing, reason)
