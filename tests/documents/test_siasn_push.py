"""Pushing graduates' certificates to SIASN: through a real Celery worker, against the SIASN
stand-in (the only mock), with faults mid-batch; nothing lost, nothing sent twice."""

import pytest
from django.urls import reverse

from config.integrations.base import Unavailable
from demo.standins.siasn import SiasnStandIn
from documents.models import Certificate, SiasnSync
from documents.siasn_sync import siasn_push_request, siasn_record_push

from ..conftest import wait_for
from ..factories import staff_user
from ..standins import running
from .siasn_world import graduates_issued, siasn_environment


@pytest.fixture
def stand_in(monkeypatch, settings):
    """Started before the worker, whose environment then names it."""
    with running(SiasnStandIn()) as server:
        siasn_environment(monkeypatch, settings, server)
        yield server


@pytest.fixture
def worker(stand_in, celery_worker):
    return celery_worker


def all_sent(cohort, worker, failing=None):
    """Wait until every certificate of the cohort is sent (`failing` one: failed). A failed
    row may still be waiting for its retry, so only SENT is an end for the others."""

    def done():
        rows = SiasnSync.objects.filter(certificate__enrolment__cohort=cohort)
        if rows.count() != Certificate.objects.filter(enrolment__cohort=cohort).count():
            return False
        return all(
            row.status
            == (SiasnSync.Status.FAILED if row.certificate_id == failing else SiasnSync.Status.SENT)
            for row in rows
        )

    wait_for(done, message=f"the SIASN push; worker log:\n{worker.output()}")


def assert_each_once(cohort, stand_in):
    certificates = Certificate.objects.filter(enrolment__cohort=cohort).select_related(
        "enrolment__participant", "siasn"
    )
    for certificate in certificates:
        records = stand_in.records_for(number=certificate.number)
        assert len(records) == 1, certificate.number
        assert records[0]["nip"] == certificate.enrolment.participant.nip
        assert certificate.siasn.status == SiasnSync.Status.SENT, certificate.siasn.error
        assert certificate.siasn.siasn_id == records[0]["row"]["id"]
        assert stand_in.documents[certificate.siasn.siasn_id][1] > 1000  # the PDF
    assert len(stand_in.records_for()) == certificates.count()


@pytest.mark.worker
def test_the_worker_sends_each_graduate_once(worker, stand_in, client):
    cohort = graduates_issued(4, stand_in=stand_in)
    staff = staff_user()
    client.force_login(staff)
    response = client.post(reverse("documents:siasn_push", args=[cohort.pk]))
    assert response.status_code == 302
    all_sent(cohort, worker)
    assert_each_once(cohort, stand_in)
    record = stand_in.records_for()[0]["row"]
    assert record["latihanStrukturalId"] == "1"  # Latsar
    assert (record["tahun"], record["jumlahJam"]) == (cohort.end_date.year, 647)
    assert record["institusiPenyelenggara"] == cohort.organiser.name
    # Asked again: nothing left to send, nothing sent.
    assert siasn_push_request(cohort=cohort, requested_by=staff) == 0
    page = client.get(reverse("documents:siasn_sync", args=[cohort.pk])).content.decode()
    assert page.count('data-status="sent"') == 4


@pytest.mark.worker
def test_a_500_and_a_lost_answer_mid_batch_lose_nothing_and_send_nothing_twice(worker, stand_in):
    cohort = graduates_issued(5, stand_in=stand_in)
    # Three requests answered, then a server error, then a request SIASN carries out but
    # whose answer never arrives (the worker times out not knowing it was stored).
    stand_in.fail_after(3, 500)
    stand_in.lose_reply_next()
    siasn_push_request(cohort=cohort, requested_by=staff_user())
    all_sent(cohort, worker)
    assert_each_once(cohort, stand_in)
    assert any(c.status == 500 for c in stand_in.calls)
    assert SiasnSync.objects.filter(attempts__gt=1).exists()


@pytest.mark.worker
def test_a_refused_record_shows_its_reason_and_a_retry_sends_it(worker, stand_in, client):
    cohort = graduates_issued(2, stand_in=stand_in)
    missing = Certificate.objects.filter(enrolment__cohort=cohort).first()
    nip = missing.enrolment.participant.nip
    person = stand_in.people.pop(nip)  # SIASN does not know this NIP (yet)
    siasn_push_request(cohort=cohort, requested_by=staff_user())
    all_sent(cohort, worker, failing=missing.pk)
    sync = SiasnSync.objects.get(certificate=missing)
    assert sync.status == SiasnSync.Status.FAILED
    assert sync.attempts == 1  # a refusal is not retried by itself
    assert f"NIP {nip} tidak ditemukan di SIASN" in sync.error
    client.force_login(staff_user())
    page = client.get(reverse("documents:siasn_sync", args=[cohort.pk])).content.decode()
    assert "tidak ditemukan di SIASN" in page and "Kirim ulang" in page

    stand_in.person_add(person)  # BKN fixed it
    retry = reverse("documents:siasn_retry", args=[cohort.pk, missing.pk])
    assert client.post(retry).status_code == 302
    wait_for(lambda: SiasnSync.objects.get(pk=sync.pk).status == SiasnSync.Status.SENT,
             message=f"the retry; worker log:\n{worker.output()}")  # fmt: skip
    assert_each_once(cohort, stand_in)


@pytest.mark.django_db(transaction=True)
def test_a_lost_answer_is_found_in_siasn_not_sent_again(stand_in):
    """In this process, step by step: the save's answer is lost; the next attempt finds the
    record by its number in SIASN's riwayat diklat and only attaches the PDF."""
    cohort = graduates_issued(1, stand_in=stand_in)
    # The row, without queueing a job (no worker here to take it).
    sync = SiasnSync.objects.create(certificate=Certificate.objects.get(enrolment__cohort=cohort))
    # tokens, data utama answered; the save is carried out and its answer lost.
    stand_in.fail_after(3, 500, times=0)
    stand_in.lose_reply_next()
    with pytest.raises(Unavailable):
        siasn_record_push(sync_id=sync.pk)
    assert len(stand_in.records_for()) == 1
    sync.refresh_from_db()
    assert (sync.status, sync.siasn_id) == (SiasnSync.Status.FAILED, "")
    assert siasn_record_push(sync_id=sync.pk).status == SiasnSync.Status.SENT
    assert len(stand_in.records_for()) == 1
    assert len(stand_in.calls_to("POST", "/apisiasn/1.0/diklat/save")) == 1
    # A row already sent is not claimed again.
    assert siasn_record_push(sync_id=sync.pk) is None
