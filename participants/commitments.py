"""The komitmen bersama phase (issue 18): each participant's signed commitment document.

Staff upload the signed scan per participant; the participant sees and downloads it. A file
is accepted by its content, as every upload is (config.uploads): a PDF that runs nothing, or
a JPG or PNG scan.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from config.uploads import JAVASCRIPT, LAUNCH, UNREADABLE, active_content_of, document_kind_of

from .commitment_models import CommitmentDocument

MAX_BYTES = 10 * 1024 * 1024
KINDS = ("pdf", "jpg", "png")
ERROR_EMPTY = _("Berkas komitmen %(name)s kosong.")
ERROR_SIZE = _("Berkas komitmen %(name)s lebih dari 10 MB.")
ERROR_KIND = _(
    "Berkas komitmen %(name)s bukan PDF, JPG, atau PNG (isinya diperiksa, bukan namanya)."
)
ERROR_ACTIVE = _(
    "Berkas komitmen %(name)s berisi skrip atau perintah yang berjalan saat dibuka, atau "
    "isinya tidak dapat diperiksa; simpan ulang sebagai PDF biasa lalu unggah lagi."
)


def commitment_check(upload, participant_name):
    """The file's kind ("pdf", "jpg" or "png"); raises ValidationError naming the
    participant for an empty, oversized or unaccepted file."""
    params = {"name": participant_name}
    if upload.size == 0:
        raise ValidationError(ERROR_EMPTY, params=params)
    if upload.size > MAX_BYTES:
        raise ValidationError(ERROR_SIZE, params=params)
    kind = document_kind_of(upload)
    if kind not in KINDS:
        raise ValidationError(ERROR_KIND, params=params)
    if active_content_of(upload, kind) in (JAVASCRIPT, LAUNCH, UNREADABLE):
        raise ValidationError(ERROR_ACTIVE, params=params)
    return kind


@transaction.atomic
def commitment_store(*, enrolment, upload, uploaded_by):
    """Check and store the enrolment's signed commitment, replacing an earlier one (whose
    file is removed once the new one is saved). Nothing changes when the file is refused."""
    kind = commitment_check(upload, enrolment.participant.name)
    document = CommitmentDocument.objects.filter(enrolment=enrolment).first()
    old_name = document.file.name if document else ""
    document = document or CommitmentDocument(enrolment=enrolment)
    document.kind = kind
    document.uploaded_by = uploaded_by
    document.file.save(
        f"komitmen-{enrolment.cohort_id}-{enrolment.participant.nip}.{kind}", upload, save=False
    )
    document.save()
    if old_name and old_name != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return document
