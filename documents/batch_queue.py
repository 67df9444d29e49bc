"""Staff ask for a cohort's certificates: the request is recorded, then queued for the
workers once it is committed (documents.tasks runs it, documents.batches does the work)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from cohorts.models import Cohort
from projects.selectors import enrolments_passing

from .batches import (
    ERROR_BATCH_UNDER_WAY,
    ERROR_NOTHING_TO_ISSUE,
    ERROR_QUEUE_UNREACHABLE,
    UNDER_WAY,
    batches_stalled_fail,
    certificate_batch_fail,
)
from .models import CertificateBatch
from .tasks import certificates_issue_job

logger = logging.getLogger(__name__)


def certificate_batch_start(*, cohort, requested_by):
    """Record the request, then queue the job once the request is committed.

    A second request while one is under way is refused (a double click, two staff at once).
    If the broker cannot be reached the request is marked failed with a reason, instead of
    waiting forever.
    """
    passing = enrolments_passing(cohort)
    if not passing:
        raise ValidationError(ERROR_NOTHING_TO_ISSUE)
    with transaction.atomic():
        # The cohort row is the lock that orders two requests for the same cohort.
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        batches_stalled_fail(cohort)
        if CertificateBatch.objects.filter(cohort=cohort, status__in=UNDER_WAY).exists():
            raise ValidationError(ERROR_BATCH_UNDER_WAY)
        # The participants passing now: the page counts towards them until the job counts
        # again (a mark changed meanwhile may change the number).
        batch = CertificateBatch.objects.create(
            cohort=cohort, requested_by=requested_by, total=len(passing)
        )
        transaction.on_commit(lambda: certificate_batch_enqueue(batch_id=batch.pk))
    # How many were passing when staff asked (the page says so); the job counts again.
    batch.passing = len(passing)
    return batch


def certificate_batch_enqueue(*, batch_id):
    try:
        certificates_issue_job.delay(batch_id)
    except Exception:  # the broker's many connection errors; the batch must not stay queued
        logger.exception("could not queue certificate batch %s", batch_id)
        certificate_batch_fail(batch_id=batch_id, reason=str(ERROR_QUEUE_UNREACHABLE))
