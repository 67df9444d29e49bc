import io
import threading
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlparse

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents.batch_queue import certificate_batch_enqueue, certificate_batch_start
from documents.batches import (
    ERROR_BATCH_UNDER_WAY,
    ERROR_NEVER_TAKEN,
    ERROR_NOTHING_TO_ISSUE,
    ERROR_QUEUE_UNREACHABLE,
    ERROR_STALLED,
    MAX_ATTEMPTS,
    batches_stalled_fail,
    certificates_chunk_render,
    certificates_issue,
    chunks_even,
)
from documents.models import Certificate, CertificateBatch
from participants.models import Enrolment

from ..conftest import wait_for
from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from ..pdf_tools import certificate_pdf_read, pdf_first_page_png

pytestmark = pytest.mark.django_db


def queue_into(queued):
    """A dispatch that keeps the chunks the job would queue for other workers, unqueued."""
    return lambda batch_id, chunks, complete_before: queued.extend(chunks)


@pytest.fixture
def cohort_with_scores():
    """Three participants pass, one fails, one is not scored yet."""
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for score in ["91.50", "75.00", "70.01", "70.00", None]:
        enrolment = enrol(cohort, coach=coach)
        if score:
            project_scored(enrolment, Decimal(score))
    return cohort


def test_only_passing_participants_get_numbered_certificates(cohort_with_scores):
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificates_issue(batch_id=batch.pk)

    certificates = list(Certificate.objects.order_by("seq"))
    assert [c.seq for c in certificates] == [1, 2, 3]
    assert certificates[0].number == (
        f"001/STTP/LATSAR/{cohort_with_scores.angkatan}/"
        f"{cohort_with_scores.organiser.code.upper()}/2022"
    )
    passing_scores = {c.enrolment.project.final_score for c in certificates}
    assert passing_scores == {Decimal("91.50"), Decimal("75.00"), Decimal("70.01")}
    batch.refresh_from_db()
    assert (batch.status, batch.rendered, batch.total) == ("done", 3, 3)


def test_running_again_keeps_numbers_and_verification_ids(cohort_with_scores):
    first = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificates_issue(batch_id=first.pk)
    before = {c.enrolment_id: (c.number, c.verification_id) for c in Certificate.objects.all()}

    # A participant scored later joins the next batch with the next number.
    late = Enrolment.objects.get(cohort=cohort_with_scores, project__final_score__isnull=True)
    project_scored(late, Decimal("88"))
    second = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificates_issue(batch_id=second.pk)
    certificates_issue(batch_id=second.pk)  # a retry of the same job

    after = {c.enrolment_id: (c.number, c.verification_id) for c in Certificate.objects.all()}
    assert {k: after[k] for k in before} == before
    assert sorted(c.seq for c in Certificate.objects.all()) == [1, 2, 3, 4]


def test_certificate_pdf_names_the_participant_and_its_qr_opens_verification(
    cohort_with_scores, client
):
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificates_issue(batch_id=batch.pk)
    certificate = Certificate.objects.select_related("enrolment__participant").first()
    participant = certificate.enrolment.participant

    data, text, url = certificate_pdf_read(certificate)
    assert "SURAT TANDA TAMAT PELATIHAN" in text
    assert "647 jam pelajaran" in text

    page = pdf_first_page_png(data)
    assert page.getextrema() != ((255, 255), (255, 255), (255, 255)), "first page is blank"

    assert url == certificate.get_verification_url()
    response = client.get(urlparse(url).path)
    assert response.status_code == 200
    assert participant.name in response.content.decode()
    assert "Sertifikat ini sah." in response.content.decode()


def test_issuing_with_nobody_passing_is_refused_with_a_reason():
    cohort = CohortFactory()
    enrol(cohort)
    with pytest.raises(ValidationError) as error:
        certificate_batch_start(cohort=cohort, requested_by=staff_user())
    assert error.value.messages == [str(ERROR_NOTHING_TO_ISSUE)]
    assert not CertificateBatch.objects.exists()


def test_verification_of_an_unknown_id_says_not_found(client):
    response = client.get("/verifikasi/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Sertifikat tidak ditemukan" in response.content.decode()


def test_verification_page_shows_no_nip(cohort_with_scores, client):
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificates_issue(batch_id=batch.pk)
    certificate = Certificate.objects.select_related("enrolment__participant").first()
    page = client.get(certificate.get_verification_path()).content.decode()
    assert certificate.enrolment.participant.nip not in page
    assert certificate.enrolment.participant.nip_display not in page


def test_a_second_request_while_one_is_under_way_is_refused(cohort_with_scores):
    staff = staff_user()
    certificate_batch_start(cohort=cohort_with_scores, requested_by=staff)
    with pytest.raises(ValidationError) as error:
        certificate_batch_start(cohort=cohort_with_scores, requested_by=staff)
    assert error.value.messages == [str(ERROR_BATCH_UNDER_WAY)]
    assert CertificateBatch.objects.count() == 1


def test_an_unreachable_queue_marks_the_request_failed(cohort_with_scores, monkeypatch):
    from kombu.exceptions import OperationalError

    from documents import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    # The broker is the outside service here: it refuses the connection.
    monkeypatch.setattr(tasks.certificates_issue_job, "delay", broker_down)
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificate_batch_enqueue(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.FAILED
    assert batch.error == str(ERROR_QUEUE_UNREACHABLE)


def test_a_job_that_keeps_failing_ends_failed_with_its_reason(
    cohort_with_scores, settings, tmp_path, monkeypatch
):
    from config.celery_app import app
    from documents.tasks import MAX_RETRIES, certificates_issue_job

    # Storage that refuses every file: a file where the media folder should be, or in the
    # tests' bucket (TEST_S3) a bucket that does not exist.
    blocked = tmp_path / "media"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocked)
    default = settings.STORAGES["default"]
    if default["BACKEND"].endswith("S3Storage"):
        options = {**default["OPTIONS"], "bucket_name": "no-such-bucket"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    # The chunk jobs the first job queues run here too, with their retries.
    monkeypatch.setitem(app.conf, "task_always_eager", True)

    certificates_issue_job.apply(args=[batch.pk])

    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.FAILED
    assert batch.error.startswith(f"Penerbitan gagal setelah {MAX_RETRIES + 1} kali percobaan:")
    # Every attempt failed at storing the files; the three passing participants' numbers
    # were taken once, not once a try.
    assert sorted(Certificate.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert not any(c.pdf for c in Certificate.objects.all())


def test_a_job_redelivered_too_often_gives_up(cohort_with_scores):
    batch = CertificateBatch.objects.create(
        cohort=cohort_with_scores, attempts=MAX_ATTEMPTS, error="WorkerLostError"
    )
    certificates_issue(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.FAILED
    assert f"setelah {MAX_ATTEMPTS} kali percobaan" in batch.error
    assert not Certificate.objects.exists()


def test_deferred_and_withdrawn_participants_get_no_certificate(cohort_with_scores):
    passing = [e for e in Enrolment.objects.filter(cohort=cohort_with_scores) if e.project.passes]
    Enrolment.objects.filter(pk=passing[0].pk).update(status=Enrolment.Status.DEFERRED)
    Enrolment.objects.filter(pk=passing[1].pk).update(status=Enrolment.Status.WITHDRAWN)
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    certificates_issue(batch_id=batch.pk)
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [passing[2].pk]


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(0, []), (3, [3]), (25, [25]), (26, [13, 13]), (40, [20, 20]), (200, [25] * 8),
     (60, [20, 20, 20])],
)  # fmt: skip
def test_a_batch_is_split_into_even_chunks_in_number_order(count, sizes):
    chunks = chunks_even(list(range(count)), 25)
    assert [len(chunk) for chunk in chunks] == sizes
    assert [item for chunk in chunks for item in chunk] == list(range(count))


def test_chunks_finishing_in_any_order_complete_the_batch_once(cohort_with_scores, settings):
    settings.CERTIFICATE_PAGES_PER_DOCUMENT = 2
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    queued = []
    certificates_issue(batch_id=batch.pk, dispatch=queue_into(queued))

    # Numbered at once, in one series; the first chunk is rendered by the job itself, the
    # second is queued for any worker.
    numbered = list(Certificate.objects.order_by("seq").values_list("pk", flat=True))
    [second] = queued
    assert second == numbered[1:]
    batch.refresh_from_db()
    assert (batch.status, batch.rendered, batch.total) == ("running", 1, 3)
    assert not batch.archive
    assert not any(c.pdf for c in Certificate.objects.filter(pk__in=second))

    certificates_chunk_render(batch_id=batch.pk, certificate_ids=second)
    batch.refresh_from_db()
    assert (batch.status, batch.rendered) == ("done", 3)
    assert batch.archive and batch.merged_pdf
    rendered_at = {c.pk: c.rendered_at for c in Certificate.objects.all()}
    # A chunk delivered twice after the batch is done changes nothing.
    certificates_chunk_render(batch_id=batch.pk, certificate_ids=second)
    assert {c.pk: c.rendered_at for c in Certificate.objects.all()} == rendered_at


def test_the_first_job_delivered_again_only_renders_what_is_left(cohort_with_scores, settings):
    settings.CERTIFICATE_PAGES_PER_DOCUMENT = 2
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    queued = []
    certificates_issue(batch_id=batch.pk, dispatch=queue_into(queued))
    first = Certificate.objects.get(seq=1)
    # Delivered again (its worker was lost before acknowledging it): nothing is numbered
    # twice, the first chunk is not rendered again, and what is left is done here.
    certificates_issue(batch_id=batch.pk, dispatch=queue_into(queued))
    assert sorted(Certificate.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert Certificate.objects.get(seq=1).rendered_at == first.rendered_at
    assert all(c.pdf for c in Certificate.objects.all())
    batch.refresh_from_db()
    assert (batch.status, batch.rendered, batch.attempts) == ("done", 3, 2)


def test_a_batch_whose_worker_died_shows_as_failed(cohort_with_scores, client, settings):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    batch = CertificateBatch.objects.create(
        cohort=cohort_with_scores,
        status=CertificateBatch.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS),
    )
    client.force_login(staff_user())
    status = client.get(reverse("documents:batch_status", args=[batch.pk])).json()
    assert (status["status"], status["finished"]) == ("failed", True)
    assert status["error"] == str(ERROR_STALLED)
    page = client.get(reverse("documents:batch_detail", args=[batch.pk])).content.decode()
    assert "Pekerja berhenti di tengah penerbitan" in page


def test_a_job_delivered_after_its_batch_failed_does_nothing(cohort_with_scores):
    # The broker hands the job over late (a lost worker's message comes back after the batch
    # was marked stalled and staff asked again): the failed batch stays failed.
    batch = CertificateBatch.objects.create(
        cohort=cohort_with_scores, status=CertificateBatch.Status.FAILED, error=str(ERROR_STALLED)
    )
    certificates_issue(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.attempts) == ("failed", str(ERROR_STALLED), 0)
    assert not Certificate.objects.exists()


def test_a_job_queued_by_the_previous_release_still_issues_its_batch(cohort_with_scores):
    """Before the move to documents the job was called cohorts.tasks.certificates_issue_job;
    a message under that name, queued just before an upgrade, must still run."""
    from config.celery_app import app

    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    app.loader.import_default_modules()
    app.tasks["cohorts.tasks.certificates_issue_job"].apply(args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.DONE
    assert Certificate.objects.filter(enrolment__cohort=cohort_with_scores).count() == 3


def test_a_request_no_worker_ever_took_shows_as_failed_and_can_be_made_again(
    cohort_with_scores, client, settings
):
    staff = staff_user()
    # Recorded, but its message never reaches a worker (here: the commit that would queue it
    # never comes, as when the broker loses the message).
    batch = certificate_batch_start(cohort=cohort_with_scores, requested_by=staff)
    with pytest.raises(ValidationError):  # not yet older than the stall limit: still waiting
        certificate_batch_start(cohort=cohort_with_scores, requested_by=staff)

    long_ago = timezone.now() - timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS + 1)
    CertificateBatch.objects.filter(pk=batch.pk).update(created_at=long_ago)
    client.force_login(staff)
    page = client.get(reverse("documents:batch_detail", args=[batch.pk])).content.decode()
    assert "Permintaan penerbitan tidak pernah diambil pekerja" in page
    status = client.get(reverse("documents:batch_status", args=[batch.pk])).json()
    assert (status["status"], status["finished"]) == ("failed", True)
    assert status["error"] == str(ERROR_NEVER_TAKEN)

    again = certificate_batch_start(cohort=cohort_with_scores, requested_by=staff)
    assert again.status == CertificateBatch.Status.QUEUED
    # The lost message, delivered at last, does nothing: the new request does the work.
    certificates_issue(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("failed", 0)
    assert not Certificate.objects.exists()


def test_a_batch_after_a_failed_one_renders_only_the_missing_certificates(settings):
    settings.CERTIFICATE_PAGES_PER_DOCUMENT = 2
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(5):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))

    # The first batch: numbered, its first chunk (#1) rendered by the job, the next (#2, #3)
    # by a worker; then its worker dies holding the last chunk (#4, #5), and the batch stalls.
    first = CertificateBatch.objects.create(cohort=cohort)
    queued = []
    certificates_issue(batch_id=first.pk, dispatch=queue_into(queued))
    certificates_chunk_render(batch_id=first.pk, certificate_ids=queued[0])
    long_ago = timezone.now() - timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS + 1)
    CertificateBatch.objects.filter(pk=first.pk).update(heartbeat_at=long_ago)
    assert batches_stalled_fail(cohort) == 1
    c1, c2, c3, c4, c5 = Certificate.objects.order_by("seq")
    assert [bool(c.pdf) for c in (c1, c2, c3, c4, c5)] == [True, True, True, False, False]
    # Meanwhile #1's file is lost from storage, and #2 is reissued (its data changed).
    c1.pdf.storage.delete(c1.pdf.name)
    Certificate.objects.filter(pk=c2.pk).update(rendered_at=None)

    second = CertificateBatch.objects.create(cohort=cohort)
    queued = []
    certificates_issue(
        batch_id=second.pk,
        dispatch=lambda batch_id, chunks, before: queued.extend((c, before) for c in chunks),
    )
    # #3 was complete before: counted, not rendered. #1 and #2 are this job's chunk.
    second.refresh_from_db()
    assert (second.status, second.rendered, second.total) == ("running", 3, 5)
    assert queued == [([c4.pk, c5.pk], 1)]
    [(chunk, complete_before)] = queued
    certificates_chunk_render(
        batch_id=second.pk, certificate_ids=chunk, complete_before=complete_before
    )
    second.refresh_from_db()
    assert (second.status, second.rendered, second.total) == ("done", 5, 5)

    after = {c.pk: c for c in Certificate.objects.all()}
    assert (after[c3.pk].pdf.name, after[c3.pk].rendered_at) == (c3.pdf.name, c3.rendered_at)
    for certificate in (c1, c2, c4, c5):
        rendered = after[certificate.pk]
        assert rendered.rendered_at >= second.created_at, certificate.seq
        assert rendered.pdf.storage.exists(rendered.pdf.name)
    # The merged PDF has every certificate, in number order.
    merged = pypdf.PdfReader(io.BytesIO(second.merged_pdf.read()))
    numbers = [c.number for c in (c1, c2, c3, c4, c5)]
    pages = [" ".join(page.extract_text().split()) for page in merged.pages]
    assert len(pages) == 5
    assert all(number in page for number, page in zip(numbers, pages, strict=True))


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from its own connection
def test_a_chunk_rendering_longer_than_the_stall_limit_keeps_its_batch_alive(
    cohort_with_scores, settings, monkeypatch
):
    from documents import batches

    settings.CERTIFICATE_BATCH_STALL_SECONDS = 2
    batch = CertificateBatch.objects.create(cohort=cohort_with_scores)
    render = batches.certificates_render_many
    seen = {}

    def slow_render(certificates):
        # Rendering lasts until the heartbeat has kept the batch alive for twice the limit;
        # the page looks at it all the while and never finds it stalled.
        seen["from"] = timezone.now()

        def alive_past_the_limit():
            assert batches_stalled_fail(cohort_with_scores) == 0
            batch.refresh_from_db()
            assert batch.status == CertificateBatch.Status.RUNNING
            return batch.heartbeat_at > seen["from"] + timedelta(seconds=4)

        wait_for(alive_past_the_limit, message="the heartbeat")
        return render(certificates)

    monkeypatch.setattr(batches, "certificates_render_many", slow_render)
    certificates_issue(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.rendered, batch.total) == ("done", 3, 3)
    # The heartbeat stops with the job.
    assert not [t for t in threading.enumerate() if t.name == f"batch-{batch.pk}-heartbeat"]
