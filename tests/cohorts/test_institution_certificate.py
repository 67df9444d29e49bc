"""Staff set how their institution's certificates look, in the browser's forms; the PDF
follows: title, wording, signatory, logo and signature image, still one page."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cohorts.certificates import certificates_issue
from cohorts.models import Certificate, CertificateBatch

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
    url = reverse("cohorts:institution_certificate", args=[cohort.organiser_id])
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
    url = reverse("cohorts:institution_certificate", args=[cohort.organiser_id])
    client.force_login(staff_user())
    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00" + b"\x00" * 100)
    page = client.post(url, {**form_data(head_nip="123"), "logo": fake}).content.decode()
    assert "Gambar harus PNG atau JPG." in page
    cohort.organiser.refresh_from_db()
    assert not cohort.organiser.logo and cohort.organiser.head_nip != "123"
    client.force_login(widyaiswara_user())
    assert client.get(url).status_code == 403
