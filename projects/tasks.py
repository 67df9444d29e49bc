from celery import shared_task

from .reminders import scores_due_notify


@shared_task(acks_late=True, time_limit=600)
def scores_due_notify_job():
    """Every morning: the scorers of yesterday's seminars whose sheets are missing are told."""
    return scores_due_notify()


@shared_task(acks_late=True, time_limit=600)
def follow_up_rounds_open_job():
    """Every morning: the follow-up rounds due after the seminars are opened, once each."""
    from .follow_up import follow_up_rounds_open

    return len(follow_up_rounds_open())
