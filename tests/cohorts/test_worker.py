"""Issuing certificates through a real Celery worker process on the configured broker
(the filesystem broker by default, Redis when CELERY_BROKER_URL says so)."""

from decimal import Decimal
from urllib.parse import urlparse

import pytest

from cohorts.certificates import certificate_batch_start
from cohorts.models import Certificate, CertificateBatch

from ..conftest import wait_for
from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from ..pdf_tools import certificate_pdf_read

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
