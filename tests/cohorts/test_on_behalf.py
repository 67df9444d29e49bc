"""A cohort run on another body's behalf (LAN RI for PKN Tingkat II, issue 18): staff set it
on the cohort form; the cohort page and the reports name it. And the komitmen bersama phase:
staff upload each participant's signed commitment (checked by content), the participant sees
their own."""

import io
from datetime import date

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import Cohort, Institution
from documents.final_report import final_report_pdf
from documents.lan_report import lan_pack, lan_pdf_bytes
from participants.models import CommitmentDocument
from participants.services import participant_account_ensure

from ..factories import CohortFactory, TrainingAgencyFactory, enrol, staff_user
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def lan():
    return Institution.objects.create(
        code="lan-ri", name="Lembaga Administrasi Negara", kind=Institution.Kind.OTHER
    )


def cohort_form(cohort, **overrides):
    data = {
        "program": cohort.program_id, "organiser": cohort.organiser_id, "angkatan": 1,
        "year": 2023, "start_date": "2023-05-08", "venue": "Kampus BPSDMD, Karang Tanjung",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_set_the_body_on_the_form_and_the_cohort_page_names_it(client):
    existing, body = CohortFactory(), lan()
    client.force_login(staff_user())
    response = client.post(
        reverse("cohorts:cohort_create"),
        cohort_form(existing, on_behalf_of=body.pk, on_behalf_signs="on"),
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(angkatan=1, year=2023)
    assert (cohort.on_behalf_of, cohort.on_behalf_signs) == (body, True)
    page = client.get(cohort.get_absolute_url()).content.decode()
    assert "atas nama Lembaga Administrasi Negara" in page


def test_the_form_refuses_the_organiser_itself_and_a_block_without_a_body(client):
    existing = CohortFactory()
    client.force_login(staff_user())
    url = reverse("cohorts:cohort_create")
    response = client.post(url, cohort_form(existing, on_behalf_of=existing.organiser_id))
    assert response.status_code == 200
    assert "Lembaga yang diwakili harus berbeda dari penyelenggara." in response.content.decode()
    response = client.post(url, cohort_form(existing, on_behalf_signs="on"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pilih dahulu lembaga yang diwakili (atas nama)." in page
    assert 'value="Kampus BPSDMD, Karang Tanjung"' in page  # what was typed is kept
    assert not Cohort.objects.filter(year=2023).exists()


def test_the_reports_name_the_body():
    cohort = CohortFactory()
    cohort.on_behalf_of = lan()
    cohort.save(update_fields=["on_behalf_of"])
    enrol(cohort)
    cohort = Cohort.objects.select_related("program", "organiser", "on_behalf_of").get(pk=cohort.pk)
    final = " ".join(pdf_text(final_report_pdf(cohort)).split())
    assert "atas nama Lembaga Administrasi Negara" in final
    pack = " ".join(pdf_text(lan_pdf_bytes(lan_pack(cohort, date(2023, 1, 1)))).split())
    assert "Atas nama Lembaga Administrasi Negara" in pack


# -- komitmen bersama -------------------------------------------------------------------


def pdf_upload(name="komitmen.pdf"):
    output = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(output)
    return SimpleUploadedFile(name, output.getvalue(), content_type="application/pdf")


def test_staff_upload_a_commitment_and_the_participant_sees_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory()
    mine, other = enrol(cohort), enrol(cohort)
    client.force_login(staff_user())
    upload = reverse("participants:commitment_upload", args=[cohort.pk, mine.pk])
    response = client.post(upload, {"file": pdf_upload()})
    assert response.status_code == 302
    document = CommitmentDocument.objects.get(enrolment=mine)
    assert document.kind == "pdf"
    page = client.get(reverse("participants:commitments", args=[cohort.pk])).content.decode()
    download = reverse("participants:commitment_download", args=[document.pk])
    assert download in page

    client.force_login(participant_account_ensure(participant=mine.participant))
    assert download in client.get(reverse("participants:my_commitments")).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Another participant of the cohort may not open it.
    client.force_login(participant_account_ensure(participant=other.participant))
    assert client.get(download).status_code == 403
    assert client.get(reverse("participants:commitments", args=[cohort.pk])).status_code == 403


def test_a_bad_file_is_refused_naming_the_participant_and_nothing_is_stored(client):
    cohort = CohortFactory()
    enrolment = enrol(cohort)
    client.force_login(staff_user())
    upload = reverse("participants:commitment_upload", args=[cohort.pk, enrolment.pk])
    fake = SimpleUploadedFile(
        "komitmen.pdf", b"bukan PDF, hanya teks", content_type="application/pdf"
    )
    response = client.post(upload, {"file": fake})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Berkas komitmen {enrolment.participant.name} bukan PDF, JPG, atau PNG" in page
    assert f'id="commitment-{enrolment.pk}"' in page  # the list is shown again, row marked
    assert "is-invalid" in page
    script = SimpleUploadedFile(
        "komitmen.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript"
        b" /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        content_type="application/pdf",
    )
    response = client.post(upload, {"file": script})
    assert response.status_code == 400
    assert "berisi skrip" in response.content.decode()
    assert not CommitmentDocument.objects.exists()


def test_another_agencys_commitments_are_not_found(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Provinsi Lain")
    cohort = CohortFactory(organiser=other)
    enrolment = enrol(cohort)
    client.force_login(staff_user(institutions=[other]))
    client.post(
        reverse("participants:commitment_upload", args=[cohort.pk, enrolment.pk]),
        {"file": pdf_upload()},
    )
    document = CommitmentDocument.objects.get()
    client.force_login(staff_user())  # the home agency's staff
    assert client.get(reverse("participants:commitments", args=[cohort.pk])).status_code == 404
    response = client.post(
        reverse("participants:commitment_upload", args=[cohort.pk, enrolment.pk]),
        {"file": pdf_upload()},
    )
    assert response.status_code == 404
    download = reverse("participants:commitment_download", args=[document.pk])
    assert client.get(download).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_the_commitments_page_costs_the_same_whatever_the_cohort(
    client, settings, tmp_path, django_assert_num_queries, size
):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory()
    enrolments = [enrol(cohort) for _ in range(size)]
    for enrolment in enrolments[::2]:
        document = CommitmentDocument(enrolment=enrolment, kind="pdf")
        document.file.save("komitmen.pdf", pdf_upload())
    client.force_login(staff_user())
    url = reverse("participants:commitments", args=[cohort.pk])
    # session, user, permissions (2), role names, the cohort with its program (within
    # reach), the page's count and its rows with each participant and document joined:
    # none per row, whatever the cohort's size.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('id="commitment-') == size
