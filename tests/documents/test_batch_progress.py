"""The batch page says how far it is in words and never shows "0 / 0" (issue 14)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from documents.batch_queue import certificate_batch_start
from documents.models import CertificateBatch

from ..factories import (
    CohortFactory,
    administrator_user,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db


def progress(client, batch):
    page = client.get(reverse("documents:batch_detail", args=[batch.pk])).content.decode()
    status = client.get(reverse("documents:batch_status", args=[batch.pk])).json()
    return page, status["count_label"]


def test_a_new_request_counts_towards_the_passing_participants(client):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for score in ("88", "75"):
        project_scored(enrol(cohort, coach=coach), Decimal(score))
    staff = staff_user()
    client.force_login(staff)
    # Queued, not yet taken by a worker (the job is sent after the commit).
    batch = certificate_batch_start(cohort=cohort, requested_by=staff)
    page, label = progress(client, batch)
    assert label == "0 / 2 sertifikat"
    assert "0 / 2 sertifikat" in page and "0 / 0" not in page


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (CertificateBatch.Status.QUEUED, "menghitung peserta yang lulus…"),
        (CertificateBatch.Status.FAILED, "belum ada sertifikat yang dibuat"),
    ],
)
def test_a_batch_not_yet_counted_says_what_is_happening(client, status, label):
    batch = CertificateBatch.objects.create(cohort=CohortFactory(), status=status)
    client.force_login(staff_user())
    page, shown = progress(client, batch)
    assert shown == label
    assert label in page and "0 / 0" not in page


def test_the_documents_list_shows_a_dash_for_a_batch_not_yet_counted(client):
    CertificateBatch.objects.create(cohort=CohortFactory())
    client.force_login(administrator_user())
    page = client.get(reverse("documents:documents")).content.decode()
    assert "0 / 0" not in page and "—" in page
