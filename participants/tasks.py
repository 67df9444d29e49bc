from celery import shared_task

from .invitations import invitations_send
from .notifications import (
    MAX_SEND_ATTEMPTS,
    digests_send,
    notifications_send,
    notifications_stuck_send,
    phases_tomorrow_notify,
)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60, time_limit=600)
def invitations_send_job(participant_ids, mentor_ids=()):
    return invitations_send(participant_ids=participant_ids, mentor_ids=mentor_ids)


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=MAX_SEND_ATTEMPTS - 1,
    default_retry_delay=60,
    time_limit=300,
)
def notifications_send_job(notification_ids):
    """Send these notifications; a retry sends only those still pending (notification_send)."""
    return notifications_send(notification_ids=notification_ids)


@shared_task(acks_late=True, time_limit=600)
def notifications_digest_job():
    """Every evening: one mail per person with what waits in their daily digest, and any
    notification whose own job never sent it."""
    notifications_stuck_send()
    return digests_send()


@shared_task(acks_late=True, time_limit=600)
def phases_tomorrow_notify_job():
    """Every morning: the participants of each phase that starts tomorrow are told."""
    return phases_tomorrow_notify()
