"""Issuing certificates through a real Celery worker process on the configured broker
(the filesystem broker by default, Redis when CELERY_BROKER_URL says so)."""

import io
import re
import zipfile
from decimal import Decimal
from urllib.parse import urlparse

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.batch_queue import certificate_batch_start
from documents.batches import ERROR_BATCH_UNDER_WAY
from documents.models import Certificate, CertificateBatch

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

    wait_for(finished, message=f"the batch; worker log:\n{celery_worker.output()}")
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
            assert pdf_qr_codes(data) == [certificate.get_verification_url()]
    client.force_login(staff_user(username="unduh"))
    response = client.get(reverse("documents:batch_zip", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.zip"')
    client.force_login(widyaiswara_user(username="bukan-staf"))
    assert client.get(reverse("documents:batch_pdf", args=[batch.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_is_finished_by_a_new_one(settings, tmp_path, monkeypatch):
    from django.conf import settings as django_settings

    from ..workers import CeleryWorker

    settings.CERTIFICATE_BATCH_STALL_SECONDS = 2
    # Small documents (two certificates each), so the batch is several chunk jobs.
    monkeypatch.setenv("CERTIFICATE_PAGES_PER_DOCUMENT", "2")
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(14):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    staff = staff_user()

    # The first worker stops inside its second chunk job (its message received, not yet
    # acknowledged) and is killed there: killed between two jobs it would hold no message, lose
    # nothing, and the batch would simply finish.
    first = CeleryWorker(tmp_path / "first.log", django_settings.SITE_URL, hold_chunk=2)
    try:
        first.wait_ready()
        batch = certificate_batch_start(cohort=cohort, requested_by=staff)

        def some_done():
            batch.refresh_from_db()
            return batch.rendered >= 3

        wait_for(some_done, message=f"progress; log:\n{first.output()}")
        wait_for(first.holding, message=f"the held chunk; log:\n{first.output()}")
        first.kill()
    finally:
        first.stop()
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.RUNNING and batch.rendered < 14

    second = CeleryWorker(tmp_path / "second.log", django_settings.SITE_URL)
    try:
        second.wait_ready()
        # The new worker renders the chunks still queued, but the one the killed worker held
        # is lost: the first batch stops moving, and once it has stalled staff ask again.
        requests = []

        def accepted():
            try:
                requests.append(certificate_batch_start(cohort=cohort, requested_by=staff))
            except ValidationError as error:
                assert error.messages == [str(ERROR_BATCH_UNDER_WAY)]
                return False
            return True

        wait_for(accepted, message=f"the stall; log:\n{second.output()}")
        [again] = requests
        batch.refresh_from_db()
        assert batch.status == CertificateBatch.Status.FAILED
        assert "Pekerja berhenti di tengah penerbitan" in batch.error
        made_before = {
            c.pk: (c.pdf.name, c.rendered_at)
            for c in Certificate.objects.filter(rendered_at__lt=again.created_at)
        }

        def finished():
            again.refresh_from_db()
            return again.is_finished

        wait_for(finished, message=f"the new batch; log:\n{second.output()}")
    finally:
        second.stop()
    assert again.status == CertificateBatch.Status.DONE, again.error
    assert (again.rendered, again.total) == (14, 14)
    # Every passing participant has exactly one certificate; the numbers run 1..14.
    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 14
    assert sorted(Certificate.objects.values_list("seq", flat=True)) == list(range(1, 15))
    assert all(c.pdf for c in Certificate.objects.all())
    # The new batch rendered only what the first left undone (at least the lost chunk's two).
    assert 3 <= len(made_before) <= 12
    assert {
        c.pk: (c.pdf.name, c.rendered_at) for c in Certificate.objects.filter(pk__in=made_before)
    } == made_before


@pytest.mark.django_db(transaction=True)
def test_a_chunk_slower_than_the_stall_limit_is_not_taken_for_a_dead_worker(
    settings, tmp_path, monkeypatch, client
):
    from datetime import timedelta

    from django.conf import settings as django_settings
    from django.utils import timezone

    from ..workers import CeleryWorker

    # The page and the worker both take two seconds without a heartbeat for a dead worker.
    settings.CERTIFICATE_BATCH_STALL_SECONDS = 2
    monkeypatch.setenv("CERTIFICATE_BATCH_STALL_SECONDS", "2")
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(3):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    staff = staff_user()
    client.force_login(staff)

    worker = CeleryWorker(tmp_path / "slow.log", django_settings.SITE_URL, slow_render=True)
    try:
        worker.wait_ready()
        batch = certificate_batch_start(cohort=cohort, requested_by=staff)
        status_url = reverse("documents:batch_status", args=[batch.pk])
        wait_for(worker.rendering, message=f"the slow rendering; log:\n{worker.output()}")
        slow_from = timezone.now()

        def alive_past_twice_the_limit():
            # Staff watch the page all the while: it never finds the batch stalled.
            status = client.get(status_url).json()
            assert status["status"] == "running", (status, worker.output())
            batch.refresh_from_db()
            return batch.heartbeat_at > slow_from + timedelta(seconds=4)

        wait_for(alive_past_twice_the_limit, message=f"heartbeats; log:\n{worker.output()}")
        with pytest.raises(ValidationError) as error:
            certificate_batch_start(cohort=cohort, requested_by=staff)
        assert error.value.messages == [str(ERROR_BATCH_UNDER_WAY)]
        worker.release()

        def finished():
            batch.refresh_from_db()
            return batch.is_finished

        wait_for(finished, message=f"the batch; log:\n{worker.output()}")
    finally:
        worker.stop()
    assert batch.status == CertificateBatch.Status.DONE, batch.error
    assert (batch.rendered, batch.total) == (3, 3)
    assert client.get(status_url).json()["status"] == "done"


def test_a_worker_without_harfbuzz_subset_warns_at_start(monkeypatch, caplog):
    import ctypes.util

    from documents.tasks import HARFBUZZ_MISSING, fonts_check

    assert fonts_check() is True  # installed by .ci/system-packages on this machine
    # The operating system's library lookup is the edge: pretend the package is absent.
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    with caplog.at_level("WARNING", logger="documents.tasks"):
        assert fonts_check() is False
    assert HARFBUZZ_MISSING in caplog.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_cohort_of_forty(settings, tmp_path):
    from django.conf import settings as django_settings

    from ..workers import CeleryWorker

    cohort = CohortFactory()
    cohort.capacity = 40
    cohort.save(update_fields=["capacity"])
    coach = widyaiswara_user()
    for _ in range(40):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    workers = [
        CeleryWorker(tmp_path / f"{name}.log", django_settings.SITE_URL, name=name)
        for name in ("satu", "dua")
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        batch = certificate_batch_start(cohort=cohort, requested_by=staff_user())

        def finished():
            batch.refresh_from_db()
            return batch.is_finished

        logs = lambda: "\n".join(w.output() for w in workers)  # noqa: E731
        wait_for(finished, message=f"the batch; logs:\n{logs()}")
    finally:
        for worker in workers:
            worker.stop()
    assert batch.status == CertificateBatch.Status.DONE, batch.error
    assert (batch.rendered, batch.total) == (40, 40)
    # Two chunks of 20: the worker that numbered them rendered the first, the other worker the
    # second.
    ran = [re.findall(r"tasks\.(\w+)\[[^]]+\] succeeded", w.output()) for w in workers]
    assert sorted(ran) == [["certificates_chunk_job"], ["certificates_issue_job"]], logs()
    certificates = Certificate.objects.filter(enrolment__cohort=cohort)
    assert sorted(certificates.values_list("seq", flat=True)) == list(range(1, 41))
    assert all(c.pdf for c in certificates)
    assert len(pypdf.PdfReader(io.BytesIO(batch.merged_pdf.read())).pages) == 40
    with zipfile.ZipFile(io.BytesIO(batch.archive.read())) as archive:
        assert len(archive.namelist()) == 40
