"""Webhooks: a certificate issued, revoked or reissued is told to its organiser's system by a
signed POST, after the change commits; a receiver that is down is tried a bounded number of
times, then the delivery says why it failed. The receiver is a stand-in (demo.standins)."""

from decimal import Decimal

import pytest
from django.db import transaction

from cohorts.models import Webhook, WebhookDelivery
from config.integrations.webhooks import signature_of, signature_valid
from demo.standins.webhooks import PATH, WebhookReceiverStandIn
from documents.batches import certificates_issue
from documents.issuing import certificate_reissue, certificate_revoke
from documents.models import Certificate, CertificateBatch
from documents.webhooks import TryAgain, webhook_deliver

from ..factories import enrol, project_scored, staff_user
from ..standins import running

pytestmark = pytest.mark.django_db

SECRET = "rahasia-uji-webhook"


@pytest.fixture
def receiver():
    with running(WebhookReceiverStandIn(secret=SECRET)) as stand_in:
        yield stand_in


def hook(institution, receiver):
    return Webhook.objects.create(institution=institution, url=receiver.url + PATH, secret=SECRET)


def deliver_all():
    for pk in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True):
        webhook_deliver(delivery_id=pk)


def test_issue_revoke_and_reissue_are_told_signed_after_commit(
    agencies, receiver, django_capture_on_commit_callbacks
):
    w = agencies
    webhook = hook(w["own_agency"], receiver)
    hook(w["other_agency"], receiver)  # another agency's system hears nothing of these
    enrolment = enrol(w["own"], coach=w["own_enrolment"].coach)
    project_scored(enrolment, Decimal("88"))
    with django_capture_on_commit_callbacks() as queued:
        certificates_issue(batch_id=CertificateBatch.objects.create(cohort=w["own"]).pk)
    issued = Certificate.objects.get(enrolment=enrolment)
    with django_capture_on_commit_callbacks() as more:
        certificate_revoke(certificate=issued, actor=None, reason="Nama salah")
        certificate_reissue(certificate=issued, actor=staff_user(), reason="Nama diperbaiki")
    assert len(queued) >= 1 and len(more) >= 2  # each sends its deliveries once committed
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [(d.webhook_id, d.event) for d in deliveries] == [
        (webhook.pk, "certificate.issued"),
        (webhook.pk, "certificate.revoked"),
        (webhook.pk, "certificate.reissued"),
    ]
    deliver_all()
    issued.refresh_from_db()
    assert [(e, p["certificate"]["number"], p["certificate"]["status"])
            for _d, e, p in receiver.events] == [
        ("certificate.issued", deliveries[0].payload["certificate"]["number"], "valid"),
        ("certificate.revoked", deliveries[0].payload["certificate"]["number"], "revoked"),
        ("certificate.reissued", issued.number, "valid"),
    ]  # fmt: skip
    assert receiver.events[0][2]["certificate"]["nip"] == enrolment.participant.nip
    assert all(d.status == "sent" for d in WebhookDelivery.objects.all())
    # Sent once: a job delivered again sends nothing.
    webhook_deliver(delivery_id=deliveries[0].pk)
    assert len(receiver.calls_to("POST", PATH)) == 3


def test_a_change_rolled_back_tells_nobody(agencies, receiver):
    hook(agencies["own_agency"], receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate_revoke(certificate=agencies["own_certificate"], actor=None, reason="Uji")
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_a_receiver_down_is_tried_a_bounded_number_of_times(agencies, receiver, settings):
    settings.WEBHOOK_ATTEMPTS = 2
    hook(agencies["own_agency"], receiver)
    certificate_revoke(certificate=agencies["own_certificate"], actor=None, reason="Uji")
    delivery = WebhookDelivery.objects.get()
    receiver.fail_next(status=503, times=2)
    with pytest.raises(TryAgain):
        webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "galat 503" in delivery.error
    webhook_deliver(delivery_id=delivery.pk)  # the last attempt: failed, with the reason
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2) and "503" in delivery.error
    webhook_deliver(delivery_id=delivery.pk)
    assert len(receiver.calls_to("POST", PATH)) == 2 and receiver.events == []


def test_a_refusal_is_not_retried(agencies, receiver):
    webhook = hook(agencies["own_agency"], receiver)
    Webhook.objects.filter(pk=webhook.pk).update(secret="rahasia-lain")  # the receiver: 401
    certificate_revoke(certificate=agencies["own_certificate"], actor=None, reason="Uji")
    delivery = WebhookDelivery.objects.get()
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "Tanda tangan tidak cocok" in delivery.error


def test_the_signature_covers_the_body_and_the_time():
    body = b'{"event":"certificate.issued"}'
    signature = signature_of(SECRET, "1700000000", body)
    assert signature_valid(SECRET, "1700000000", body, signature, now=1700000100)
    assert not signature_valid(SECRET, "1700000000", body + b" ", signature, now=1700000100)
    assert not signature_valid(SECRET, "1700000000", body, signature, now=1700001000)  # replay
    assert not signature_valid("lain", "1700000000", body, signature, now=1700000100)


def test_an_administrator_sets_a_webhook_and_reads_its_secret(client, agencies):
    from django.urls import reverse

    from config import roles

    from ..factories import UserFactory

    admin = UserFactory(role=roles.ADMINISTRATOR, is_staff=True, username="admin-webhook")
    client.force_login(admin)
    data = {"institution": agencies["own_agency"].pk, "url": "https://bkd.example.go.id/hook",
            "active": "on"}  # fmt: skip
    response = client.post(reverse("admin:cohorts_webhook_add"), data)
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    page = client.get(reverse("admin:cohorts_webhook_change", args=[webhook.pk]))
    assert len(webhook.secret) == 64 and webhook.secret in page.content.decode()
    assert client.get(reverse("admin:cohorts_webhookdelivery_changelist")).status_code == 200


@pytest.fixture
def receiver_for_worker(monkeypatch):
    """The stand-in started before the worker, whose environment sets quick retries."""
    with running(WebhookReceiverStandIn(secret=SECRET)) as stand_in:
        monkeypatch.setenv("WEBHOOK_RETRY_SECONDS", "1")
        monkeypatch.setenv("WEBHOOK_TIMEOUT", "5")
        yield stand_in


@pytest.mark.worker
def test_a_real_worker_sends_after_commit_and_retries_a_receiver_down(
    receiver_for_worker, celery_worker, settings, tmp_path
):
    from ..conftest import wait_for
    from ..factories import CohortFactory, home_agency, widyaiswara_user

    settings.MEDIA_ROOT = tmp_path
    receiver = receiver_for_worker
    cohort = CohortFactory()
    enrolment = enrol(cohort, coach=widyaiswara_user())
    project_scored(enrolment, Decimal("85"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    hook(home_agency(), receiver)
    receiver.fail_next(status=503)  # the first attempt finds the receiver down
    certificate_revoke(
        certificate=Certificate.objects.get(enrolment=enrolment), actor=None, reason="Uji"
    )

    def sent():
        return WebhookDelivery.objects.filter(status="sent").first()

    delivery = wait_for(sent, message=f"the delivery; worker log:\n{celery_worker.output()}")
    assert delivery.attempts == 2 and delivery.event == "certificate.revoked"
    assert [e for _d, e, _p in receiver.events] == ["certificate.revoked"]
    assert "webhook_deliver_job" in celery_worker.output()
