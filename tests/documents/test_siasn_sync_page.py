"""The Kirim ke SIASN page: who may open it, what it shows, and what it costs."""

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from config import roles
from documents.models import Certificate, SiasnSync

from ..factories import (
    CohortFactory,
    TrainingAgencyFactory,
    UserFactory,
    staff_user,
    widyaiswara_user,
)
from .siasn_world import certificates_numbered

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings):
    settings.SIASN_BASE_URL = "http://127.0.0.1:9"  # never called by these tests
    for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "CLIENT_ID", "USERNAME", "PASSWORD"):
        setattr(settings, f"SIASN_{name}", "x")


def page(cohort):
    return reverse("documents:siasn_sync", args=[cohort.pk])


@pytest.mark.parametrize("size", [3, 12])
def test_the_page_costs_the_same_whatever_the_cohort(
    client, configured, django_assert_num_queries, size
):
    cohort = certificates_numbered(CohortFactory(), size)
    certificates = list(Certificate.objects.filter(enrolment__cohort=cohort))
    SiasnSync.objects.create(certificate=certificates[0], status="sent", siasn_id="abc")
    SiasnSync.objects.create(certificate=certificates[1], status="failed", error="Ditolak: X")
    client.force_login(staff_user())
    # No query per graduate: session, user, permissions (2), roles (2: the rule and the
    # menu); the cohort within the user's agencies (the organiser is not asked again: no
    # co-organiser); the counts by state, which give the pages their count; the page of
    # certificates with their participants and SIASN rows.
    with django_assert_num_queries(8):
        response = client.get(page(cohort))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-status="sent"') == 1 and "Ditolak: X" in html
    assert html.count('data-status="not_sent"') == size - 2
    assert response.context["summary"] == {
        "total": size, "sent": 1, "sending": 0, "failed": 1, "not_sent": size - 2,
    }  # fmt: skip


def test_kirim_semua_queues_the_unsent_once(client, configured, django_capture_on_commit_callbacks):
    cohort = certificates_numbered(CohortFactory(), 3)
    client.force_login(staff_user())
    push = reverse("documents:siasn_push", args=[cohort.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(push, follow=True)
    assert "3 sertifikat dikirim ke SIASN" in response.content.decode()
    assert len(callbacks) == 1  # the job, queued once the rows are committed
    assert SiasnSync.objects.filter(status="not_sent").count() == 3


def test_not_configured_says_so_and_queues_nothing(client, settings):
    settings.SIASN_BASE_URL = ""
    cohort = certificates_numbered(CohortFactory(), 1)
    client.force_login(staff_user())
    html = client.get(page(cohort)).content.decode()
    assert "SIASN belum diatur: isi SIASN_BASE_URL" in html
    response = client.post(reverse("documents:siasn_push", args=[cohort.pk]), follow=True)
    assert "SIASN belum diatur" in response.content.decode()
    assert not SiasnSync.objects.exists()


def test_only_the_organisers_staff(client, configured):
    co_organiser = TrainingAgencyFactory()
    cohort = certificates_numbered(CohortFactory(), 1)
    Cohort.objects.filter(pk=cohort.pk).update(co_organiser=co_organiser)
    certificate = Certificate.objects.get(enrolment__cohort=cohort)
    urls = [
        page(cohort),
        reverse("documents:siasn_push", args=[cohort.pk]),
        reverse("documents:siasn_retry", args=[cohort.pk, certificate.pk]),
    ]
    for user, status in [
        (staff_user([TrainingAgencyFactory()]), 404),  # another agency
        (staff_user([co_organiser]), 404),  # the co-organiser: SIASN records the organiser's
        (widyaiswara_user(), 403),
        (UserFactory(role=roles.PARTICIPANT), 403),
    ]:
        client.force_login(user)
        assert client.get(urls[0]).status_code == status
        for url in urls[1:]:
            assert client.post(url).status_code == status
    assert not SiasnSync.objects.exists()


def test_the_batch_page_links_to_it(client, configured):
    from documents.models import CertificateBatch

    cohort = certificates_numbered(CohortFactory(), 1)
    batch = CertificateBatch.objects.create(cohort=cohort, status="done", archive="x.zip")
    client.force_login(staff_user())
    html = client.get(batch.get_absolute_url()).content.decode()
    assert page(cohort) in html


def test_administrators_find_a_failed_push_and_its_reason_in_the_admin_site(client):
    from ..factories import administrator_user

    cohort = certificates_numbered(CohortFactory(), 2)
    certificate = Certificate.objects.filter(enrolment__cohort=cohort).first()
    SiasnSync.objects.create(certificate=certificate, status="failed", error="NIP tidak dikenal")
    client.force_login(administrator_user(is_staff=True))
    changelist = reverse("admin:documents_siasnsync_changelist")
    listed = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert certificate.number in listed and "NIP tidak dikenal" in listed
    # Read only: pushes are sent and retried on Kirim ke SIASN, where their rules are kept.
    assert client.get(reverse("admin:documents_siasnsync_add")).status_code == 403
    assert client.get(reverse("admin:documents_batchsigning_changelist")).status_code == 200
    client.force_login(staff_user(is_staff=True))
    assert client.get(changelist).status_code == 403
