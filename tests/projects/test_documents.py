"""Project uploads: recognised by their content, kept as versions, and only for the owner."""

import io
import os
import zipfile
from datetime import date

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
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


def stored_in(folder):
    """The names of the files in a folder of the default storage."""
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:  # a media folder never made
        return []


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
    # Nothing stored, in the media folder or the tests' bucket (TEST_S3).
    assert stored_in(f"proyek/{world['project'].pk}") == []


def test_an_oversized_file_is_refused_with_the_limit(client, world, settings, media):
    settings.PROJECT_UPLOAD_MAX_MB = 1
    client.force_login(world["owner"])
    big = PDF + b"0" * (1024 * 1024 + 512 * 1024)  # about 1,5 MB
    page = upload(client, world["project"], "laporan-lengkap.pdf", big)
    # Reading stops at the limit: the file is never written anywhere in full.
    assert "Berkas “laporan-lengkap.pdf” melebihi batas 1 MB; tidak disimpan." in page
    assert not ProjectDocument.objects.exists()
    # Nothing stored, in the media folder or the tests' bucket (TEST_S3).
    assert stored_in(f"proyek/{world['project'].pk}") == []


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
    # Nothing stored, in the media folder or the tests' bucket (TEST_S3).
    assert stored_in(f"proyek/{world['project'].pk}") == []

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


# Files that would act when a coach or an examiner opens them (issue 13).


def pdf_made(**catalog):
    """A one-page PDF written by pikepdf, with the given entries in its catalog."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    for key, value in catalog.items():
        pdf.Root[f"/{key}"] = value
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def script(code="app.alert('hai')"):
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=code)


LAUNCH = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("C:\\Windows\\calc.exe"))
# Written by hand: qpdf repairs its missing cross-reference table, and the action's type is
# spelled with #xx escapes, which a byte search for "/JavaScript" misses.
ESCAPED_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/J#61v#61Script"
    b"/JS(app.alert(1))>>>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# Without pages qpdf cannot open it at all; its names are then searched as bytes.
UNPARSED_LAUNCH = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/L#61unch/F(calc.exe)>>>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
JAVASCRIPT_MESSAGE = (
    "berisi JavaScript yang berjalan saat PDF dibuka; simpan ulang atau cetak ulang sebagai "
    "PDF tanpa skrip lalu unggah lagi."
)
LAUNCH_MESSAGE = (
    "berisi perintah untuk menjalankan program lain saat PDF dibuka; simpan ulang sebagai PDF "
    "biasa lalu unggah lagi."
)


def with_macros(content, part):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(part, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))  # an OLE file
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pdf_made(OpenAction=script()), JAVASCRIPT_MESSAGE),
        (
            pdf_made(Names=pikepdf.Dictionary(
                JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["mulai", script()]))
            )),
            JAVASCRIPT_MESSAGE,
        ),
        (pdf_made(AA=pikepdf.Dictionary(WC=script("this.print()"))), JAVASCRIPT_MESSAGE),
        (ESCAPED_SCRIPT, JAVASCRIPT_MESSAGE),
        (pdf_made(OpenAction=LAUNCH), LAUNCH_MESSAGE),
        (UNPARSED_LAUNCH, LAUNCH_MESSAGE),
    ],
    ids=["open-action", "name-tree", "document-action", "escaped-name", "launch",
         "launch-unparsed"],
)  # fmt: skip
def test_a_pdf_that_runs_javascript_or_a_program_is_refused(client, world, media, content, message):
    client.force_login(world["owner"])
    page = upload(client, world["project"], "laporan.pdf", content)
    assert f"Berkas “laporan.pdf” {message}" in page
    assert not ProjectDocument.objects.exists()
    # Nothing stored, in the media folder or the tests' bucket (TEST_S3).
    assert stored_in(f"proyek/{world['project'].pk}") == []


def test_a_javascript_action_on_a_link_of_a_page_is_found_too(world):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], A=script()
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link]))
    buffer = io.BytesIO()
    pdf.save(buffer)
    with pytest.raises(ValidationError) as error:
        document_check(SimpleUploadedFile("laporan.pdf", buffer.getvalue()))
    assert JAVASCRIPT_MESSAGE in error.value.messages[0]


def test_a_pdf_hiding_its_objects_from_both_checks_is_refused_as_unreadable(world):
    # Unparseable by qpdf, with compressed object streams a byte search cannot look into.
    hidden = b"%PDF-1.5\n1 0 obj<</Type/ObjStm/N 1/First 4/Length 3>>stream\nxyz\nendstream\n"
    with pytest.raises(ValidationError) as error:
        document_check(SimpleUploadedFile("laporan.pdf", hidden))
    assert error.value.messages == [
        "Isi berkas “laporan.pdf” tidak dapat diperiksa (rusak atau terenkripsi); simpan ulang "
        "tanpa kata sandi lalu unggah lagi."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.docx", with_macros(DOCX, "word/vbaProject.bin")),
        ("bahan tayang.pptx", with_macros(PPTX, "ppt/vbaProject.bin")),
        ("laporan.docx", with_macros(DOCX, "word/media/VBAPROJECT.BIN")),
    ],
    ids=["docx", "pptx", "docx-elsewhere"],
)
def test_an_office_file_carrying_macros_is_refused(client, world, media, name, content):
    client.force_login(world["owner"])
    page = upload(client, world["project"], name, content)
    assert (
        f"Berkas “{name}” berisi makro (vbaProject.bin); simpan sebagai dokumen tanpa makro lalu "
        "unggah lagi." in page
    )
    assert not ProjectDocument.objects.exists()
    # Nothing stored, in the media folder or the tests' bucket (TEST_S3).
    assert stored_in(f"proyek/{world['project'].pk}") == []


def test_a_real_pdf_and_docx_without_scripts_still_upload_intact(client, world):
    plain = pdf_made(
        Outlines=pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=0),
        OpenAction=pikepdf.Array([0, pikepdf.Name.Fit]),  # open at page 1: not an action
    )
    client.force_login(world["owner"])
    assert "Laporan v1 tersimpan." in upload(client, world["project"], "laporan.pdf", plain)
    assert "Laporan v2 tersimpan." in upload(client, world["project"], "laporan.docx", DOCX)
    pdf_document, docx_document = ProjectDocument.objects.order_by("version")
    # Checking the file read it; what is stored is the upload, byte for byte.
    for document, content in [(pdf_document, plain), (docx_document, DOCX)]:
        response = client.get(reverse("projects:document", args=[document.pk]))
        assert downloaded(response) == content
