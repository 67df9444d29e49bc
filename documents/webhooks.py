"""Webhooks: an institution's own system is told, by a signed POST, when a certificate of a
cohort it organises or co-organises is issued, revoked or reissued (docs/integrations-api.md).

The service where the certificate changes records one delivery per active webhook in its own
transaction (`certificate_webhooks_queue`); the job sends each once that transaction commits,
so an issue that rolls back tells nobody. A delivery is retried a bounded number of times
(WEBHOOK_ATTEMPTS, WEBHOOK_RETRY_SECONDS apart, doubling) when the receiver is down; a refusal
(4xx) or the last failure leaves it *Gagal* with the reason, which administrators read in the
admin site. The receiver deduplicates by X-Angkatan-Delivery: a job redelivered after the POST
left sends the same id again.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cohorts.models import Webhook, WebhookDelivery
from config.integrations.base import IntegrationError
from config.integrations.webhooks import webhook_post

from .models import Certificate

ISSUED, REVOKED, REISSUED = "certificate.issued", "certificate.revoked", "certificate.reissued"


def certificate_payload(certificate, event):
    """What a receiver is told: the certificate as GET /api/certificates/<id>/ shows it."""
    enrolment = certificate.enrolment
    return {
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "certificate": {
            "id": certificate.pk,
            "number": certificate.number,
            "status": certificate.status,
            "issued_on": certificate.issued_on.isoformat(),
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            "final_score": f"{certificate.final_score:.2f}",
            "predicate": certificate.predicate,
            "cohort": enrolment.cohort_id,
            "enrolment": enrolment.pk,
            "nip": enrolment.participant.nip,
            "name": enrolment.participant.name,
            "verification_url": certificate.get_verification_url(),
        },
    }


def certificate_webhooks_queue(*, certificate_ids, event):
    """One delivery per certificate and active webhook of its cohort's organiser or
    co-organiser, sent after the caller's transaction commits. One query when neither has a
    webhook (the usual case), three otherwise, whatever the number of certificates (the
    certificates of one call are of one cohort)."""
    if not certificate_ids:
        return []
    webhooks = list(
        Webhook.objects.filter(active=True)
        .filter(
            Q(institution__organised_cohorts__enrolments__certificate__in=certificate_ids)
            | Q(institution__co_organised_cohorts__enrolments__certificate__in=certificate_ids)
        )
        .distinct()
        .order_by("pk")
    )
    if not webhooks:
        return []
    certificates = Certificate.objects.filter(pk__in=certificate_ids).select_related(
        "enrolment__participant"
    )
    deliveries = [
        WebhookDelivery(webhook=webhook, event=event, payload=certificate_payload(c, event))
        for c in certificates.order_by("pk")
        for webhook in webhooks
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [webhook_deliver_job.delay(pk) for pk in ids])
    return deliveries


class TryAgain(Exception):
    """The receiver was not reached or answered 5xx; the job tries again later."""

    def __init__(self, attempts):
        self.attempts = attempts
        super().__init__(attempts)


def webhook_deliver(*, delivery_id):
    """Send one delivery. Sent or failed for good: nothing more to do. The receiver down:
    TryAgain (with the attempts made) while attempts remain, else failed with the reason. The
    attempt is counted before the POST, so a worker lost mid-way still uses one up."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        webhook_post(
            url=delivery.webhook.url,
            secret=delivery.webhook.secret,
            event=delivery.event,
            delivery_id=delivery.pk,
            payload=delivery.payload,
        )
    except IntegrationError as error:
        last = delivery.attempts >= settings.WEBHOOK_ATTEMPTS or not error.retryable
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            error=str(error),
            status=WebhookDelivery.Status.FAILED if last else WebhookDelivery.Status.PENDING,
        )
        if not last:
            raise TryAgain(delivery.attempts) from error
        return
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.SENT, sent_at=timezone.now(), error=""
    )


@shared_task(name="documents.tasks.webhook_deliver_job", bind=True, acks_late=True,
             max_retries=None)  # fmt: skip
def webhook_deliver_job(task, delivery_id):
    """Bounded by WEBHOOK_ATTEMPTS, counted on the delivery's row (not by Celery: a retry
    message lost or redelivered cannot make it send more or fewer times)."""
    try:
        webhook_deliver(delivery_id=delivery_id)
    except TryAgain as again:
        countdown = settings.WEBHOOK_RETRY_SECONDS * 2 ** (again.attempts - 1)
        raise task.retry(countdown=countdown) from again
