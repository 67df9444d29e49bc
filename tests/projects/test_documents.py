"""Project uploads: recognised by their content, kept as versions, and only for the owner."""

import io
import os
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from projects.documents import document_check, document_upload
from projects.models import ChangeProject, ProjectDocument, State

from ..factories import CohortFactory, enrol, widyaiswara_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# The start of a Windows executable: the "MZ" DOS header, then the stub program's message.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
EXE += b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 64

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SLIDES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def ooxml(part, content_type, *, with_part=True):
    """A minimal Office Open XML package: the content types and its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(part=part, content_type=content_type)
        )
        if with_part:
            archive.writestr(part, '<?xml version="1.0" encoding="UTF-8"?><root/>')
    return buffer.getvalue()


def image(format_):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=format_)
    return buffer.getvalue()


DOCX = ooxml("word/document.xml", WORD_MAIN)
PPTX = ooxml("ppt/presentation.xml", SLIDES_MAIN)
XLSX = ooxml("xl/workbook.xml", SHEET_MAIN)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its uploads in its own folder, so stored names are predictable."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    coach = widyaiswara_user(username="coach")
    mine, other = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    ChangeProject.objects.filter(enrolment__in=[mine, other]).update(state=State.IMPLEMENTATION)
    return {
        "project": ChangeProject.objects.get(enrolment=mine),
        "owner": mine.participant.user,
        "other_participant": other.participant.user,
        "coach": coach,
        "stranger": widyaiswara_user(username="lain"),
    }


def upload(client, project, name, content, kind="report"):
    """Send a file through the project page's upload form; the page it lands on."""
    response = client.post(
        reverse("projects:upload", args=[project.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    return response.content.decode()


def downloaded(response):
    assert response.status_code == 200
    # Reading the whole stream closes the file (the test client closes it at the end).
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("laporan.pdf", PDF, "pdf"),
        ("foto kegiatan.png", image("PNG"), "png"),
        ("foto kegiatan.jpg", image("JPEG"), "jpg"),
        ("laporan.docx", DOCX, "docx"),
        ("bahan tayang.pptx", PPTX, "pptx"),
    ],
)
def test_pdf_images_and_office_files_are_accepted_by_their_content(
    client, world, name, content, extension
):
    client.force_login(world["owner"])
    page = upload(client, world["project"], name, content)
    assert "Laporan v1 tersimpan." in page
    document = ProjectDocument.objects.get(project=world["project"])
    assert (document.kind, document.version, document.extension) == ("report", 1, extension)
    assert (document.original_name, document.size) == (name, len(content))
    assert document.file.name == f"proyek/{world['project'].pk}/report-v1.{extension}"
    assert name in page  # the list of documents names the file as it was uploaded


def test_a_large_office_file_kept_on_disk_while_uploading_is_recognised_too(client, world):
    # Past 2,5 MB Django keeps an upload in a temporary file instead of memory.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(
            part="word/document.xml", content_type=WORD_MAIN))  # fmt: skip
        archive.writestr("word/document.xml", '<?xml version="1.0"?><root/>')
        archive.writestr("word/media/image1.png", os.urandom(3 * 1024 * 1024))
    client.force_login(world["owner"])
    page = upload(client, world["project"], "laporan dengan foto.docx", buffer.getvalue())
    assert "Laporan v1 tersimpan." in page
    assert ProjectDocument.objects.get().extension == "docx"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.pdf", EXE),
        ("laporan.docx", ooxml("word/document.xml", WORD_MAIN, with_part=False)),
        ("laporan.docx", XLSX),
        ("laporan.pdf", b"Laporan aktualisasi, ditulis sebagai teks biasa.\n"),
    ],
    ids=["executable-named-pdf", "zip-without-document", "xlsx-named-docx", "plain-text"],
)
def test_other_files_are_refused_whatever_their_name(client, world, media, name, content):
    client.force_login(world["owner"])
    page = upload(client, world["project"], name, content)
    assert (
        f"Berkas “{name}” bukan PDF, DOCX, PPTX, JPG, atau PNG "
        "(isinya diperiksa, bukan namanya)." in page
    )
    assert not ProjectDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_an_oversized_file_is_refused_with_the_limit(client, world, settings, media):
    settings.PROJECT_UPLOAD_MAX_MB = 1
    client.force_login(world["owner"])
    big = PDF + b"0" * (1024 * 1024 + 512 * 1024)  # about 1,5 MB
    page = upload(client, world["project"], "laporan-lengkap.pdf", big)
    # Reading stops at the limit: the file is never written anywhere in full.
    assert "Berkas “laporan-lengkap.pdf” melebihi batas 1 MB; tidak disimpan." in page
    assert not ProjectDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_an_upload_without_its_form_token_is_refused(world, media):
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(world["owner"])
    response = guarded.post(
        reverse("projects:upload", args=[world["project"].pk]),
        {"kind": "report", "file": SimpleUploadedFile("laporan.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not ProjectDocument.objects.exists()


def test_an_empty_file_is_refused_as_empty(client, world, media):
    client.force_login(world["owner"])
    page = upload(client, world["project"], "laporan.pdf", b"")
    # The participant did pick a kind and a file: they are told the file is empty.
    assert "Berkas “laporan.pdf” kosong." in page
    assert "Pilih jenis dokumen dan berkasnya." not in page
    assert not ProjectDocument.objects.exists()


def test_the_default_limit_is_10_mb(world):
    with pytest.raises(ValidationError) as error:
        document_check(SimpleUploadedFile("laporan.pdf", PDF + b"0" * (10 * 1024 * 1024)))
    assert "batasnya 10 MB" in error.value.messages[0]
    exactly = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert document_check(SimpleUploadedFile("laporan.pdf", exactly)) == "pdf"


def test_every_upload_of_a_kind_is_a_new_version_and_both_stay_downloadable(client, world):
    project = world["project"]
    client.force_login(world["owner"])
    first, second = PDF + b"% versi pertama\n", DOCX
    assert "Laporan v1 tersimpan." in upload(client, project, "laporan.pdf", first)
    page = upload(client, project, "laporan revisi.docx", second)
    assert "Laporan v2 tersimpan." in page
    assert "Laporan v1" in page and "Laporan v2" in page

    v1, v2 = ProjectDocument.objects.filter(project=project).order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.file.name.endswith("/report-v1.pdf")
    assert v2.file.name.endswith("/report-v2.docx")
    nip = project.enrolment.participant.nip
    for document, content in [(v1, first), (v2, second)]:
        response = client.get(reverse("projects:document", args=[document.pk]))
        disposition = response["Content-Disposition"]
        assert f'filename="report-v{document.version}-{nip}.{document.extension}"' in disposition
        assert downloaded(response) == content

    # Another kind starts its own versions.
    assert "Bahan tayang v1 tersimpan." in upload(client, project, "tayang.pptx", PPTX, "slides")


def test_the_stored_name_comes_from_the_content_not_the_uploaded_name(client, world):
    project = world["project"]
    client.force_login(world["owner"])
    png = image("PNG")
    upload(client, project, "../../config/settings/Foto Kegiatan.jpeg", png, kind="evidence")
    document = ProjectDocument.objects.get(project=project)
    assert document.file.name == f"proyek/{project.pk}/evidence-v1.png"
    assert (document.extension, document.original_name) == ("png", "Foto Kegiatan.jpeg")
    response = client.get(reverse("projects:document", args=[document.pk]))
    assert response["Content-Disposition"].endswith('.png"')
    assert downloaded(response) == png


def test_the_participant_cannot_upload_once_the_report_is_submitted(client, world, media):
    project = world["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    client.force_login(world["owner"])
    page = upload(client, project, "laporan.pdf", PDF)
    assert "Proyek pada tahap “Laporan diajukan” tidak dapat diubah oleh peserta." in page
    assert 'id="upload-form"' not in page
    assert not ProjectDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))

    # The service says the same to any other caller.
    with pytest.raises(ValidationError) as error:
        document_upload(
            project=project,
            kind="report",
            upload=SimpleUploadedFile("laporan.pdf", PDF),
            user=world["owner"],
        )
    assert "tidak dapat diubah oleh peserta" in error.value.messages[0]


def test_only_the_owner_uploads_and_only_those_involved_download(client, world):
    project = world["project"]
    client.force_login(world["owner"])
    upload(client, project, "laporan.pdf", PDF)
    document = ProjectDocument.objects.get(project=project)
    download_url = reverse("projects:document", args=[document.pk])
    upload_url = reverse("projects:upload", args=[project.pk])

    client.force_login(world["other_participant"])
    response = client.post(
        upload_url, {"kind": "report", "file": SimpleUploadedFile("sisipan.pdf", PDF)}
    )
    assert response.status_code == 403
    assert client.get(download_url).status_code == 403
    assert ProjectDocument.objects.count() == 1

    client.force_login(world["coach"])
    assert downloaded(client.get(download_url)) == PDF
    response = client.post(
        upload_url, {"kind": "report", "file": SimpleUploadedFile("dari-coach.pdf", PDF)}
    )
    assert response.status_code == 403

    client.force_login(world["stranger"])
    assert client.get(download_url).status_code == 403
    assert ProjectDocument.objects.count() == 1

    client.logout()
    assert client.get(download_url)["Location"].startswith(reverse("login"))
