"""The full STTP (issue 18): place and date of birth and the venue on the front, LAN's
"a.n." block for a cohort run on its behalf, up to three printed signatories (with "Plt."),
and a second page with the subjects, their JP and the total. Without any of it, the
certificate stays the one page it was."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from PIL import Image

from cohorts.models import Institution
from curriculum.models import DayRule, PhaseKind, Subject
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch, CertificateSignatory
from documents.rendering import certificate_html
from participants.services import participant_account_ensure

from ..factories import (
    CohortFactory,
    ParticipantFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)
from ..pdf_tools import pdf_first_page_png, pdf_text

pytestmark = pytest.mark.django_db

PKN_PHASES = [
    (PhaseKind.CLASSICAL, "Klasikal I", 30, 3, DayRule.SIX_DAY_WEEK),
    (PhaseKind.DISTANCE, "E-learning", 210, 21, DayRule.WORKING_DAYS),
    (PhaseKind.ACTUALIZATION, "Aktualisasi kepemimpinan", 480, 60, DayRule.WORKING_DAYS),
]
SUBJECTS = {
    1: [("Wawasan Kebangsaan", 18), ("Membangun Komitmen Belajar", 12)],
    2: [("Kepemimpinan Strategis", 110), ("Inovasi Pelayanan Publik", 100)],
}  # the actualization has none: it is one row of its own (480 JP)


def png(size=(500, 200), colour=(0, 0, 0), name="ttd.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def lan():
    return Institution.objects.create(
        code="lan-ri",
        name="Lembaga Administrasi Negara",
        kind=Institution.Kind.OTHER,
        head_name="Dr. Ir. Deputi Uji, M.Si.",
        head_nip="196902151995031002",
        head_title="Deputi Bidang Penyelenggaraan Pengembangan Kompetensi",
    )


def pkn_cohort(*, transcript=True, on_behalf=True):
    program = ProgramFactory(code="pkn2", name="PKN Tingkat II", phases=PKN_PHASES)
    for template in program.versions.get().phase_templates.all():
        for n, (name, jp) in enumerate(SUBJECTS.get(template.order, []), start=1):
            Subject.objects.create(phase_template=template, order=n, name=name, jp=jp)
    cohort = CohortFactory(program=program, venue="Kampus BPSDMD Banten, Karang Tanjung")
    if transcript:
        Institution.objects.filter(pk=cohort.organiser_id).update(certificate_transcript=True)
    if on_behalf:
        cohort.on_behalf_of, cohort.on_behalf_signs = lan(), True
        cohort.save(update_fields=["on_behalf_of", "on_behalf_signs"])
    return cohort


def issued(cohort, count=1, **participant):
    coach = widyaiswara_user()
    for _ in range(count):
        project_scored(enrol(cohort, ParticipantFactory(**participant), coach=coach), Decimal(88))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    return list(Certificate.objects.filter(enrolment__cohort=cohort).order_by("seq"))


def flat(text):
    return " ".join(text.split())


def test_a_pkn_certificate_is_the_full_sttp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = pkn_cohort()
    # Two at once: rendered as the pages of one document, then split two pages each.
    certificates = issued(cohort, 2, birth_place="Serang")
    files = {}
    for certificate in certificates:
        data = files[certificate.pk] = certificate.pdf.read()
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 2
        front, back = (flat(page.extract_text()) for page in reader.pages)
        participant = certificate.enrolment.participant
        with translation.override("id"):
            born = date_format(participant.birth_date, "j F Y")
        assert participant.name in front and participant.name in back
        assert f"Serang, {born}" in front
        assert "di Kampus BPSDMD Banten, Karang Tanjung" in front
        assert "atas nama Lembaga Administrasi Negara" in front
        assert "a.n. Kepala Lembaga Administrasi Negara" in front
        assert "Deputi Bidang Penyelenggaraan Pengembangan Kompetensi" in front
        assert "Dr. Ir. Deputi Uji, M.Si." in front
        # The organiser's head still signs, in the last block.
        assert "Dr. H. Kepala Badan, M.Si." in front
        assert "TRANSKRIP MATA PELATIHAN" in back
        assert certificate.number in back
        for name, jp in [*SUBJECTS[1], *SUBJECTS[2], ("Aktualisasi kepemimpinan", 480)]:
            assert f"{name}" in back
            assert f" {jp}" in back
        assert "Jumlah 720" in back
        # Both pages are A4 landscape; the first renders as such.
        for page in reader.pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert (round(width), round(height)) == (842, 595)
        image = pdf_first_page_png(data, dpi=50)
        assert image.width > image.height
    # Each file holds only its own holder: the other's name is in neither page.
    first, second = certificates
    assert second.enrolment.participant.name not in pdf_text(files[first.pk])


def test_three_signatories_are_printed_with_plt(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = pkn_cohort(transcript=False, on_behalf=False)
    url = reverse("documents:certificate_signatories", args=[cohort.organiser_id])
    client.force_login(staff_user())
    people = [
        ("Dr. Satu Pertama, M.Si.", "Kepala Bidang Penyelenggaraan", False),
        ("Ir. Dua Kedua, M.T.", "Sekretaris BPSDMD Provinsi Banten", False),
        ("Drs. Tiga Ketiga, M.M.", "Kepala BPSDMD Provinsi Banten", True),
    ]
    for order, (name, title, acting) in enumerate(people, start=1):
        data = {"program": cohort.program_id, "order": order, "name": name,
                "nip": "19700101 199003 1 001", "title": title, "signature": png()}  # fmt: skip
        if acting:
            data["acting"] = "on"
        assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Plt. Kepala BPSDMD Provinsi Banten" in page
    [certificate] = issued(cohort)
    data = certificate.pdf.read()
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    text = flat(pdf_text(data))
    for name, _title, _acting in people:
        assert name in text
    assert "Plt. Kepala BPSDMD Provinsi Banten" in text
    assert "Sekretaris BPSDMD Provinsi Banten" in text
    assert "19700101 199003 1 001" in text
    # The head of the certificate page is not printed when signatories are set.
    assert "Dr. H. Kepala Badan, M.Si." not in text


def test_a_fourth_signatory_is_refused_in_indonesian_and_the_form_kept(client):
    cohort = pkn_cohort(transcript=False, on_behalf=False)
    for order in (1, 2, 3):
        CertificateSignatory.objects.create(
            institution=cohort.organiser, program=cohort.program, order=order,
            name=f"Pejabat {order}", title="Kepala",
        )  # fmt: skip
    client.force_login(staff_user())
    url = reverse("documents:certificate_signatories", args=[cohort.organiser_id])
    response = client.post(
        url,
        {"program": cohort.program_id, "order": 4, "name": "Pejabat Keempat, S.H.",
         "title": "Kepala Seksi"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Paling banyak tiga penanda tangan" in page
    assert 'value="Pejabat Keempat, S.H."' in page
    assert CertificateSignatory.objects.count() == 3
    # Another program (or all programs) has its own three.
    response = client.post(url, {"order": 1, "name": "Pejabat Umum", "title": "Kepala"})
    assert response.status_code == 302


def test_without_signatories_the_old_layout_stays(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = CohortFactory()
    [certificate] = issued(cohort)
    html = certificate_html(certificate)
    assert '<div class="sign">' in html
    assert 'class="signs"' not in html
    assert "TRANSKRIP" not in html
    data = certificate.pdf.read()
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    text = flat(pdf_text(data))
    assert "Dr. H. Kepala Badan, M.Si." in text
    assert "a.n." not in text


def test_the_on_behalf_block_only_when_the_cohort_asks_for_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cohort = pkn_cohort(transcript=False)
    cohort.on_behalf_signs = False
    cohort.save(update_fields=["on_behalf_signs"])
    [certificate] = issued(cohort)
    text = flat(pdf_text(certificate.pdf.read()))
    assert "atas nama Lembaga Administrasi Negara" in text  # named in the wording
    assert "a.n. Kepala" not in text  # but no block of its own


def test_signatory_pages_of_another_agency_are_not_found(client):
    other = TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Provinsi Lain")
    theirs = CertificateSignatory.objects.create(
        institution=other, order=1, name="Pejabat Lain", title="Kepala"
    )
    user = staff_user()
    client.force_login(user)
    for url in (
        reverse("documents:certificate_signatories", args=[other.pk]),
        reverse("documents:certificate_signatory_edit", args=[other.pk, theirs.pk]),
    ):
        assert client.get(url).status_code == 404
    delete = reverse("documents:certificate_signatory_delete", args=[other.pk, theirs.pk])
    assert client.post(delete).status_code == 404
    own = user.staff_institutions.first()
    delete = reverse("documents:certificate_signatory_delete", args=[own.pk, theirs.pk])
    assert client.post(delete).status_code == 302  # not theirs to delete: nothing happens
    assert CertificateSignatory.objects.filter(pk=theirs.pk).exists()
    # Nor through their own institution's address with another's signatory.
    mine = user.staff_institutions.first()
    url = reverse("documents:certificate_signatory_edit", args=[mine.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_a_participant_may_not_open_the_signatories_page(client):
    cohort = CohortFactory()
    enrolment = enrol(cohort)
    client.force_login(participant_account_ensure(participant=enrolment.participant))
    url = reverse("documents:certificate_signatories", args=[cohort.organiser_id])
    assert client.get(url).status_code == 403
