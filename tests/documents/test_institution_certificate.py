"""Staff set how their institution's certificates look, in the browser's forms; the PDF
follows: title, wording, signatory, logo and signature image, still one page."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch

from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from ..pdf_tools import pdf_first_page_png, pdf_text

pytestmark = pytest.mark.django_db


def png(size=(600, 600), colour=(20, 60, 140)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def form_data(**overrides):
    data = {
        "city": "Pandeglang",
        "head_name": "Dr. H. Kepala Badan, M.Si.",
        "head_nip": "19700101 199003 1 001",
        "head_title": "Kepala BPSDMD Provinsi Banten",
        "certificate_title": "Surat Tanda Tamat Pelatihan",
        "certificate_basis": "Berdasarkan Peraturan LAN Nomor 1 Tahun 2021.",
    }
    data.update(overrides)
    return data


def test_staff_set_the_look_and_the_certificate_follows(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory()
    url = reverse("documents:institution_certificate", args=[cohort.organiser_id])
    client.force_login(staff_user())
    signature = png((500, 200), (0, 0, 0))
    response = client.post(url, {**form_data(), "logo": png(), "head_signature": signature})
    assert response.status_code == 302
    assert 'id="logo-preview"' in client.get(url).content.decode()

    project_scored(enrol(cohort, coach=widyaiswara_user()), Decimal("88"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    data = Certificate.objects.get().pdf.read()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = " ".join(pdf_text(data).split())
    for expected in (
        "SURAT TANDA TAMAT PELATIHAN",
        "Berdasarkan Peraturan LAN Nomor 1",
        "Dr. H. Kepala Badan, M.Si.",
        "NIP 19700101 199003 1 001",
        "Pandeglang",
    ):
        assert expected in text, expected  # fmt: skip
    assert len(reader.pages[0].images) == 2  # the logo and the signature
    image = pdf_first_page_png(data, dpi=40)
    # The logo's blue appears on the rendered page (give or take the colour conversion).
    colours = {pixel for _count, pixel in image.getcolors(1 << 16)}
    assert any(max(abs(a - b) for a, b in zip(c, (20, 60, 140), strict=True)) <= 3
               for c in colours)  # fmt: skip


def test_a_file_that_is_not_an_image_or_a_bad_nip_is_refused(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory()
    url = reverse("documents:institution_certificate", args=[cohort.organiser_id])
    client.force_login(staff_user())
    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00" + b"\x00" * 100)
    page = client.post(url, {**form_data(head_nip="123"), "logo": fake}).content.decode()
    assert "Gambar harus PNG atau JPG." in page
    cohort.organiser.refresh_from_db()
    assert not cohort.organiser.logo and cohort.organiser.head_nip != "123"
    client.force_login(widyaiswara_user())
    assert client.get(url).status_code == 403


def test_a_file_split_from_a_shared_document_holds_only_its_own_page(settings, tmp_path):
    """WeasyPrint gives every page of a document one resource dictionary; each participant's
    file must not carry what the other pages draw."""
    import pikepdf

    from documents.rendering import certificates_render_many

    from ..pdf_tools import pdf_qr_codes

    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory()
    organiser = cohort.organiser
    organiser.logo.save("logo.png", png(), save=False)
    organiser.head_signature.save("ttd.png", png((500, 200), (0, 0, 0)), save=False)
    organiser.save()
    coach = widyaiswara_user()
    for _ in range(6):
        project_scored(enrol(cohort, coach=coach), Decimal("88"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    certificates = list(
        Certificate.objects.select_related(
            "enrolment__participant__agency", "enrolment__cohort__program",
            "enrolment__cohort__organiser", "enrolment__project",
        ).order_by("seq")
    )  # fmt: skip

    def objects(data):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            kinds = [
                str(o.get("/Subtype", "")) for o in pdf.objects if isinstance(o, pikepdf.Stream)
            ]
            return len(pdf.pages), len(pdf.objects), kinds.count("/Image")

    alone = certificates_render_many(certificates[:2])
    together = certificates_render_many(certificates)
    names = [c.enrolment.participant.name for c in certificates]
    for certificate, data in zip(certificates, together, strict=True):
        text = " ".join(pdf_text(data).split())
        assert certificate.enrolment.participant.name in text
        assert [n for n in names if n in text] == [certificate.enrolment.participant.name]
        assert pdf_qr_codes(data) == [certificate.get_verification_url()]
    # One page, the logo and the signature: the same objects whether the document it was cut
    # from had two pages or six.
    pages, count, images = objects(together[0])
    assert (pages, images) == (1, 2)
    assert count == objects(alone[0])[1]
