"""Celery jobs. They take ids, re-fetch, and leave the work to services."""

import ctypes.util
import logging

from celery import shared_task
from celery.signals import worker_ready

from .batches import (
    ERROR_ATTEMPTS_EXHAUSTED,
    certificate_batch_fail,
    certificates_chunk_render,
    certificates_issue,
)
from .broker_check import broker_check_record
from .phase_reports import phase_reports_due
from .reports import report_job_run

MAX_RETRIES = 3
# Both steps of a certificate batch: acknowledged once done, retried a bounded number of times.
BATCH_JOB = {
    "bind": True,
    "acks_late": True,
    "max_retries": MAX_RETRIES,
    "default_retry_delay": 10,
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
}


def _retry_or_fail(task, batch_id, exc):
    """Retry a bounded number of times; past that, the batch fails with the reason."""
    if task.request.retries >= task.max_retries:
        reason = ERROR_ATTEMPTS_EXHAUSTED % {
            "attempts": task.request.retries + 1,
            "reason": f"{type(exc).__name__}: {exc}",
        }
        certificate_batch_fail(batch_id=batch_id, reason=reason)
        raise exc
    raise task.retry(exc=exc) from exc


def chunks_enqueue(batch_id, chunks, complete_before):
    for certificate_ids in chunks:
        certificates_chunk_job.delay(batch_id, certificate_ids, complete_before)


def certificates_issue_run(task, batch_id):
    """Numbers a batch's certificates, queues its chunks for every worker to share and renders
    the first itself."""
    try:
        certificates_issue(batch_id=batch_id, dispatch=chunks_enqueue)
    except Exception as exc:
        _retry_or_fail(task, batch_id, exc)


def certificates_chunk_run(task, batch_id, certificate_ids, complete_before=0):
    """Renders one chunk of a batch (at most CERTIFICATE_PAGES_PER_DOCUMENT certificates).
    `complete_before` is absent from a message queued by the previous release."""
    try:
        certificates_chunk_render(
            batch_id=batch_id, certificate_ids=certificate_ids, complete_before=complete_before
        )
    except Exception as exc:
        _retry_or_fail(task, batch_id, exc)


REPORTS_JOB = {"acks_late": True, "soft_time_limit": 15 * 60, "time_limit": 16 * 60}


def _job(name, run, options):
    """Register `run` as documents.tasks.<name>, and under the name it had when it lived in
    cohorts.tasks: a message queued by the previous release (a batch asked for just before the
    upgrade, a chunk waiting for a worker) still runs, instead of being dropped as unregistered
    and leaving its batch queued. Nothing is sent under the old name any more."""
    shared_task(name=f"cohorts.tasks.{name}", **options)(run)
    return shared_task(name=f"{__name__}.{name}", **options)(run)


certificates_issue_job = _job("certificates_issue_job", certificates_issue_run, BATCH_JOB)
certificates_chunk_job = _job("certificates_chunk_job", certificates_chunk_run, BATCH_JOB)
# Daily: the report of every phase that has just ended (see the beat schedule).
phase_reports_due_job = _job("phase_reports_due_job", phase_reports_due, REPORTS_JOB)


# A report: not retried by itself (a report that fails on its data fails again); the job row
# says FAILED with the reason, and staff try again from its page. A worker lost mid-report
# leaves its message unacknowledged, so another worker takes it.
REPORT_JOB = {"acks_late": True, "soft_time_limit": 15 * 60, "time_limit": 16 * 60}


@shared_task(name=f"{__name__}.report_job_task", **REPORT_JOB)
def report_job_task(job_id):
    report_job_run(job_id=job_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def broker_check_job(check_id, number):
    """One message of `manage.py broker_check`: says it ran, nothing else. Never retried: a
    job that did not run is what the check counts."""
    broker_check_record(check_id=check_id, number=number)


logger = logging.getLogger(__name__)
HARFBUZZ_MISSING = (
    "libharfbuzz-subset0 tidak terpasang: WeasyPrint memakai fontTools dan setiap sertifikat "
    "5-6 kali lebih lambat. Pasang paket Debian libharfbuzz-subset0 di mesin pekerja."
)


@worker_ready.connect
def fonts_check(**kwargs):
    """Warn at start when WeasyPrint would subset fonts the slow way."""
    if ctypes.util.find_library("harfbuzz-subset") is None:
        logger.warning(HARFBUZZ_MISSING)
        return False
    return True


# Pushing issued certificates to SIASN (documents.siasn_sync): one job per cohort request
# queues one job per record; a record's job retries only what SIASN may accept later.
from .siasn_sync import siasn_push_job, siasn_record_job  # noqa: E402, F401

# Signing a batch through BSrE (documents.bsre_signing). Not retried by itself: an outage stops
# the signing with the reason and the signer resumes it; a redelivered message finds the
# signing no longer queued and does nothing. Its message holds the signing's id only, never
# the approval (docs/decisions.md).
BSRE_SIGN_JOB = {"acks_late": True, "soft_time_limit": 30 * 60, "time_limit": 31 * 60}


@shared_task(name=f"{__name__}.batch_bsre_sign_job", **BSRE_SIGN_JOB)
def batch_bsre_sign_job(signing_id):
    from .bsre_signing import batch_sign, signing_fail

    try:
        batch_sign(signing_id=signing_id)
    except Exception as exc:
        signing_fail(signing_id=signing_id, reason=f"{type(exc).__name__}: {exc}")
        raise


# Webhooks (documents.webhooks): a certificate issued, revoked or reissued, told to the
# organiser's own system; retried a bounded number of times, counted on the delivery's row.
from .webhooks import webhook_deliver_job  # noqa: E402, F401
