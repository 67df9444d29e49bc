"""The demo's PKN Tingkat II (demo.pkn_demo): BPSDMD Banten on behalf of LAN RI, 47
participants from several provinces, graduated, with some signed commitments and the full
STTP: LAN's block and the transcript page (issue 18, "Done when")."""

import io

import pypdf
import pytest
from django.urls import reverse

from demo.loaders import DEMO_PASSWORD
from demo.pkn_demo import SIZE, pkn_demo_ensure
from documents.models import Certificate
from participants.models import CommitmentDocument, Enrolment

pytestmark = pytest.mark.django_db


def test_the_pkn_ii_certificates_carry_lans_block_and_the_transcript(demo, client):
    role, username, _note = pkn_demo_ensure(commitments=3)
    pkn_demo_ensure(commitments=3)  # again: nothing made twice
    enrolments = Enrolment.objects.filter(cohort__program__code="pkn2")
    assert enrolments.count() == SIZE == 47
    assert enrolments.values("participant__agency__parent").distinct().count() >= 8
    assert set(enrolments.values_list("status", flat=True)) == {Enrolment.Status.PASSED}
    assert CommitmentDocument.objects.filter(enrolment__in=enrolments).count() == 3
    certificates = Certificate.objects.filter(enrolment__in=enrolments)
    assert certificates.count() == 47
    cohort = enrolments.first().cohort
    assert cohort.on_behalf_of.name == "Lembaga Administrasi Negara"
    assert sum(p.jp for p in cohort.phases.all()) == 923

    # The graduate whose login the demo prints downloads their certificate.
    answer = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 302
    mine = certificates.get(enrolment__participant__user__username=username)
    response = client.get(reverse("documents:certificate_download", args=[mine.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    front, back = (" ".join(page.extract_text().split()) for page in reader.pages)
    assert "a.n. Kepala Lembaga Administrasi Negara" in front
    assert "atas nama Lembaga Administrasi Negara" in front
    assert mine.enrolment.participant.birth_place in front
    assert "Karang Tanjung" in front
    assert "TRANSKRIP MATA PELATIHAN" in back
    assert "Kepemimpinan Strategis" in back
    assert "Jumlah 923" in back
