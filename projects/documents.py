"""Project uploads: only PDF, DOCX, PPTX, JPG and PNG, recognised by their content."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.db.models import Max
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from config.uploads import (
    DOCUMENT_KINDS,
    EMPTY,
    JAVASCRIPT,
    LAUNCH,
    MACROS,
    NOT_ACCEPTED,
    TOO_LARGE,
    upload_problem,
)

from .models import ChangeProject, ProjectDocument

ERROR_TYPE = _(
    "Berkas “%(name)s” bukan PDF, DOCX, PPTX, JPG, atau PNG (isinya diperiksa, bukan namanya)."
)
ERROR_SIZE = _("Berkas “%(name)s” berukuran %(size)s MB; batasnya %(limit)s MB.")
ERROR_TOO_LARGE = _("Berkas “%(name)s” melebihi batas %(limit)s MB; tidak disimpan.")
ERROR_EMPTY = _("Berkas “%(name)s” kosong.")
# Files that would act when a coach or an examiner opens them (issue 13).
ERROR_JAVASCRIPT = _(
    "Berkas “%(name)s” berisi JavaScript yang berjalan saat PDF dibuka; simpan ulang atau "
    "cetak ulang sebagai PDF tanpa skrip lalu unggah lagi."
)
ERROR_LAUNCH = _(
    "Berkas “%(name)s” berisi perintah untuk menjalankan program lain saat PDF dibuka; "
    "simpan ulang sebagai PDF biasa lalu unggah lagi."
)
ERROR_MACROS = _(
    "Berkas “%(name)s” berisi makro (vbaProject.bin); simpan sebagai dokumen tanpa makro "
    "lalu unggah lagi."
)
ERROR_UNREADABLE = _(
    "Isi berkas “%(name)s” tidak dapat diperiksa (rusak atau terenkripsi); simpan ulang "
    "tanpa kata sandi lalu unggah lagi."
)
ACTIVE_CONTENT_ERRORS = {JAVASCRIPT: ERROR_JAVASCRIPT, LAUNCH: ERROR_LAUNCH, MACROS: ERROR_MACROS}
ERROR_LOCKED = _("Proyek pada tahap “%(state)s” tidak dapat diubah oleh peserta.")


def max_upload_bytes():
    return settings.PROJECT_UPLOAD_MAX_MB * 1024 * 1024


class SizeLimitedUpload(FileUploadHandler):
    """Stops reading an uploaded file once it passes the limit, so an oversized upload never
    fills the disk or memory; the view then says which file and what the limit is."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = self.file_name
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def document_check(upload):
    """The file's extension by content; raises ValidationError for an empty, oversized or
    unaccepted file, and for one that would run something when opened (JavaScript or a
    launch action in a PDF, macros in a DOCX or PPTX)."""
    name = upload.name
    problem, extension = upload_problem(upload, kinds=DOCUMENT_KINDS, max_bytes=max_upload_bytes())
    if problem == EMPTY:
        raise ValidationError(ERROR_EMPTY, params={"name": name})
    if problem == TOO_LARGE:
        raise ValidationError(
            ERROR_SIZE,
            params={
                "name": name,
                "size": formats.number_format(upload.size / 1024 / 1024, 1),
                "limit": settings.PROJECT_UPLOAD_MAX_MB,
            },
        )
    if problem == NOT_ACCEPTED:
        raise ValidationError(ERROR_TYPE, params={"name": name})
    if problem is not None:
        raise ValidationError(
            ACTIVE_CONTENT_ERRORS.get(problem, ERROR_UNREADABLE), params={"name": name}
        )
    return extension


@transaction.atomic
def document_upload(*, project, kind, upload, user):
    """Keep an upload as the next version of its kind; earlier versions stay."""
    project = ChangeProject.objects.select_for_update().get(pk=project.pk)
    if not project.participant_may_edit:
        raise ValidationError(ERROR_LOCKED, params={"state": project.get_state_display()})
    extension = document_check(upload)
    last = project.documents.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0
    document = ProjectDocument(
        project=project,
        kind=kind,
        version=last + 1,
        original_name=upload.name[:255],
        extension=extension,
        size=upload.size,
        uploaded_by=user,
    )
    # The stored name comes from the content type, never from the uploaded name.
    document.file.save(f"{kind}-v{last + 1}.{extension}", upload, save=False)
    document.save()
    return document
