"""The komitmen bersama phase (issue 18): each participant's signed commitment document.

Staff upload the signed scan per participant; the participant sees and downloads it. A file
is accepted by its content, as every upload is (config.uploads): a PDF that runs nothing, or
a JPG or PNG scan.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from config.uploads import EMPTY, IMAGE_AND_PDF, NOT_ACCEPTED, TOO_LARGE, upload_problem

from .commitment_models import CommitmentDocument

MAX_BYTES = 10 * 1024 * 1024
KINDS = IMAGE_AND_PDF
ERROR_EMPTY = _("Berkas komitmen %(name)s kosong.")
ERROR_SIZE = _("Berkas komitmen %(name)s lebih dari 10 MB.")
ERROR_KIND = _(
    "Berkas komitmen %(name)s bukan PDF, JPG, atau PNG (isinya diperiksa, bukan namanya)."
)
ERROR_ACTIVE = _(
    "Berkas komitmen %(name)s berisi skrip atau perintah yang berjalan saat dibuka, atau "
    "isinya tidak dapat diperiksa; simpan ulang sebagai PDF biasa lalu unggah lagi."
)


# Anything else refused (what a PDF would run, or could not be read) is ERROR_ACTIVE.
ERRORS = {EMPTY: ERROR_EMPTY, TOO_LARGE: ERROR_SIZE, NOT_ACCEPTED: ERROR_KIND}


def commitment_check(upload, participant_name):
    """The file's kind ("pdf", "jpg" or "png"); raises ValidationError naming the
    participant for an empty, oversized or unaccepted file."""
    problem, kind = upload_problem(upload, kinds=KINDS, max_bytes=MAX_BYTES)
    if problem is not None:
        raise ValidationError(ERRORS.get(problem, ERROR_ACTIVE), params={"name": participant_name})
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
