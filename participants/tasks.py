from celery import shared_task

from .invitations import invitations_send


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60, time_limit=600)
def invitations_send_job(participant_ids, mentor_ids=()):
    return invitations_send(participant_ids=participant_ids, mentor_ids=mentor_ids)
