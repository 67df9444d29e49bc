"""Issuing certificates through a real Celery worker process on the configured broker
(the filesystem broker by default, Redis when CELERY_BROKER_URL says so)."""

import io
import zipfile
from decimal import Decimal
from urllib.parse import urlparse

import pypdf
import pytest
from django.urls import reverse

from cohorts.certificates import certificate_batch_start
from cohorts.models import Certificate, CertificateBatch

from ..conftest import wait_for
from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from ..pdf_tools import certificate_pdf_read, pdf_qr_codes, pdf_text

pytestmark = pytest.mark.worker


def test_worker_issues_one_verifiable_pdf_per_passing_participant(celery_worker, client):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for score in ["95", "82.5", "71", "64"]:
        enrolment = enrol(cohort, coach=coach)
        project_scored(enrolment, Decimal(score))

    batch = certificate_batch_start(cohort=cohort, requested_by=staff_user())

    def finished():
        batch.refresh_from_db()
        return batch.is_finished

    wait_for(finished, timeout=120, message=f"the batch; worker log:\n{celery_worker.output()}")
    assert batch.status == CertificateBatch.Status.DONE, batch.error
    assert (batch.rendered, batch.total) == (3, 3)
    assert "certificates_issue_job" in celery_worker.output()

    certificates = Certificate.objects.select_related("enrolment__participant")
    assert certificates.count() == 3
    for certificate in certificates:
        _data, _text, url = certificate_pdf_read(certificate)
        assert client.get(urlparse(url).path).status_code == 200

    # One PDF of every certificate, in number order, and a ZIP with one file each, holding
    # only that participant's data.
    merged = pypdf.PdfReader(io.BytesIO(batch.merged_pdf.read()))
    assert len(merged.pages) == 3
    ordered = list(certificates.order_by("seq"))
    for page, certificate in zip(merged.pages, ordered, strict=True):
        assert certificate.number in " ".join(page.extract_text().split())
    with zipfile.ZipFile(io.BytesIO(batch.archive.read())) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"STTP-{c.enrolment.participant.nip}.pdf" for c in ordered)
        for certificate in ordered:
            data = archive.read(f"STTP-{certificate.enrolment.participant.nip}.pdf")
            text = " ".join(pdf_text(data).split())
            others = [c.enrolment.participant.name for c in ordered if c != certificate]
            assert certificate.enrolment.participant.name in text
            assert not any(name in text for name in others)
            assert len(pdf_qr_codes(data)) == 1
    client.force_login(staff_user(username="unduh"))
    response = client.get(reverse("cohorts:batch_zip", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.zip"')
    client.force_login(widyaiswara_user(username="bukan-staf"))
    assert client.get(reverse("cohorts:batch_pdf", args=[batch.pk])).status_code == 403
