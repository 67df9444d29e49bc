"""Notifications: each person is told by e-mail what waits for them (issue 16).

The service where an event happens (a design submitted, a seminar scheduled…) calls `notify`
inside its own transaction. `notify` records one Notification row per recipient and asks the
worker to send them once that transaction commits: a rolled-back event sends nothing.

Sent exactly once: a row goes from "pending" to "sent" by one conditional UPDATE before its
mail leaves, so a job delivered twice, or retried, finds nothing left to send. A mail the
mail server refused puts the row back to "pending" for the job's retry; one that fails every
retry stays "failed" with the reason.

Each user chooses per kind: e-mail (the default), a daily digest (widyaiswara and mentors,
who follow many participants) or nothing. A person without an e-mail address (a mentor
without an account, say) is listed for staff with a WhatsApp link carrying the same message.

Lives in participants, the lowest layer that knows enrolments, so projects and documents
call it (docs/decisions.md).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import CohortPhase
from config.permissions import is_mentor, is_widyaiswara

from .invitations import whatsapp_link
from .models import (
    Enrolment,
    Mentor,
    Notification,
    NotificationKind,
    NotificationPreference,
    Participant,
)

logger = logging.getLogger(__name__)
Channel = NotificationPreference.Channel
Status = Notification.Status
# The mail server's refusals and a lost connection: the job tries again this many times.
MAX_SEND_ATTEMPTS = 3

ERROR_SEND_FAILED = gettext_lazy(
    "Surel tidak terkirim setelah %(attempts)s kali percobaan: %(reason)s"
)
WHATSAPP_NOTIFICATION = gettext_lazy("Yth. %(name)s, %(body)s %(link)s")


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    phone: str = ""
    user: object = None
    mentor: object = None


def recipient_of(person):
    """A user, a participant or a mentor as someone to tell: their account (for their
    preferences), the address a message goes to, and a number for WhatsApp. A participant's
    or mentor's own address comes first, the account's after."""
    if isinstance(person, (Participant, Mentor)):
        user = person.user
        return Recipient(
            name=person.name,
            email=person.email or (user.email if user else ""),
            phone=person.phone,
            user=user,
            mentor=person if isinstance(person, Mentor) else None,
        )
    return Recipient(
        name=person.get_full_name() or person.username, email=person.email, user=person
    )


def absolute(path):
    return settings.SITE_URL + path


def channels_of(users, kind):
    """Each user's chosen channel for this kind (one query); e-mail when they chose none."""
    ids = {u.pk for u in users if u is not None}
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {pk: chosen.get(pk, Channel.EMAIL) for pk in ids}


def notify(*, kind, people, subject, body, path, cohort=None, key=""):
    """Tell `people` (users, participants or mentors) about an event of `kind`: one row each,
    sent by the worker after the caller's transaction commits. `path` is the page the mail
    links to. With `key` (what the event was), someone already told of it is not told again.
    Returns the rows recorded."""
    return notify_each(
        kind=kind,
        entries=[(person, path, key) for person in people],
        subject=subject,
        body=body,
        cohort=cohort,
    )


def notify_each(*, kind, entries, subject, body, cohort=None):
    """As `notify`, with a page and key of each person's own: `entries` are (person, path,
    key), e.g. each participant and their certificate, or (person, path, key, body) for a
    message of their own. A constant number of queries."""
    chosen, seen = [], set()
    for person, path, key, *own in entries:
        if person is None:
            continue
        recipient = recipient_of(person)
        identity = (recipient.user.pk if recipient.user else None, recipient.email, recipient.name)
        if (identity, key) not in seen:
            seen.add((identity, key))
            chosen.append((recipient, path, key, own[0] if own else body))
    if not chosen:
        return []
    channels = channels_of([r.user for r, *_rest in chosen], kind)
    keys = {key for _r, _path, key, _body in chosen if key}
    told = set()
    if keys:
        told = set(
            Notification.objects.filter(kind=kind, key__in=keys).values_list(
                "recipient_id", "email", "key"
            )
        )
    rows = []
    for recipient, path, key, own_body in chosen:
        user_id = recipient.user.pk if recipient.user else None
        if key and (user_id, recipient.email, key) in told:
            continue
        channel = channels.get(user_id, Channel.EMAIL)
        if channel == Channel.NONE:
            continue
        if not recipient.email:
            status = Status.NO_EMAIL
        elif channel == Channel.DIGEST and digest_offered(recipient.user):
            status = Status.DIGEST
        else:
            status = Status.PENDING
        rows.append(
            Notification(
                recipient=recipient.user,
                mentor=recipient.mentor,
                name=recipient.name,
                email=recipient.email,
                phone=recipient.phone,
                cohort=cohort,
                kind=kind,
                subject=str(subject),
                body=str(own_body),
                link=absolute(path),
                key=key,
                digest=status == Status.DIGEST,
                status=status,
            )
        )
    rows = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows if row.status == Status.PENDING]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(ids):
    from .tasks import notifications_send_job

    try:
        notifications_send_job.delay(ids)
    except Exception:  # the broker is down: send from here rather than not at all
        try:
            notifications_send(notification_ids=ids)
        except Exception:
            # The event has committed; its page must not fail for a mail. What is still
            # pending goes with the daily run (notifications_stuck_send).
            logger.exception("notifications not sent: broker and mail server both refused")


def digest_offered(user):
    """Widyaiswara and mentors follow many participants: they may take one mail a day."""
    return user is not None and (is_widyaiswara(user) or is_mentor(user))


def channels_offered(user):
    channels = [Channel.EMAIL, Channel.DIGEST, Channel.NONE]
    return [c for c in channels if c != Channel.DIGEST or digest_offered(user)]


ERROR_CHANNEL = gettext_lazy(
    "Pilihan ini tidak tersedia untuk Anda: ringkasan harian hanya untuk widyaiswara dan mentor."
)


def preferences_of(user):
    """The user's channel for every kind (e-mail where they chose nothing), in kind order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.EMAIL) for kind in NotificationKind.values}


@transaction.atomic
def preferences_set(*, user, channels):
    """Keep the user's choice per kind (`channels`: kind -> channel). Only the kinds not by
    e-mail (the default) are stored."""
    offered = channels_offered(user)
    if any(channel not in offered for channel in channels.values()):
        raise ValidationError(ERROR_CHANNEL)
    NotificationPreference.objects.filter(user=user).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=user, kind=kind, channel=channel)
        for kind, channel in channels.items()
        if channel != Channel.EMAIL
    )


# Sending ---------------------------------------------------------------------------------


def _mail(notification):
    return render_to_string(
        "participants/email_notification.txt",
        {"notification": notification, "site_url": settings.SITE_URL,
         "preferences_url": absolute(reverse("participants:notification_preferences"))},
    )  # fmt: skip


def notification_send(*, notification_id):
    """Send one pending notification, once. Returns whether this call sent it."""
    claimed = Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(
        status=Status.SENT, sent_at=timezone.now()
    )
    if not claimed:
        return False  # sent already (a job delivered twice), or not for e-mail
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(
            subject=notification.subject,
            message=_mail(notification),
            from_email=None,
            recipient_list=[notification.email],
        )
    except Exception as error:
        _send_failed(notification, error)
        raise
    return True


def _send_failed(notification, error):
    attempts = notification.attempts + 1
    # Given up after the last try (the reason stays on the row); otherwise the job's retry
    # sends it.
    status = Status.FAILED if attempts >= MAX_SEND_ATTEMPTS else Status.PENDING
    Notification.objects.filter(pk=notification.pk).update(
        status=status,
        sent_at=None,
        attempts=attempts,
        error=str(ERROR_SEND_FAILED % {"attempts": attempts, "reason": error}),
    )


def notifications_send(*, notification_ids):
    """Send each of these notifications still pending; returns how many this call sent. A
    mail refused does not keep the others from going: the first refusal is raised at the
    end, for the job's retry (which sends only what is still pending)."""
    sent, refused = 0, None
    for pk in notification_ids:
        try:
            sent += notification_send(notification_id=pk)
        except Exception as error:
            refused = refused or error
    if refused is not None:
        raise refused
    return sent


# A pending notification this old has lost its job (the broker was down and sending from the
# web failed too, or the job's message was lost): the daily run sends it.
STUCK_AFTER = timedelta(minutes=30)


def notifications_stuck_send():
    """Send the pending notifications whose job never sent them; returns how many."""
    stuck = Notification.objects.filter(
        status=Status.PENDING, created_at__lt=timezone.now() - STUCK_AFTER
    ).order_by("pk")
    try:
        return notifications_send(notification_ids=list(stuck.values_list("pk", flat=True)))
    except Exception:
        logger.exception("notifications still not sent")
        return 0


def digests_send():
    """One mail per person with every notification waiting for their daily digest. Each
    person's rows are claimed by one UPDATE (marked with a key of this run) before the mail
    leaves, so two runs never send a row twice. Returns how many mails were sent."""
    recipients = (
        Notification.objects.filter(status=Status.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        key = uuid.uuid4()
        Notification.objects.filter(recipient_id=recipient_id, status=Status.DIGEST).update(
            status=Status.SENT, sent_at=timezone.now(), send_key=key
        )
        rows = list(Notification.objects.filter(send_key=key).order_by("created_at", "pk"))
        if not rows:
            continue
        try:
            send_mail(
                subject=_("Ringkasan pemberitahuan Angkatan: %(count)s hal") % {"count": len(rows)},
                message=render_to_string(
                    "participants/email_digest.txt",
                    {
                        "name": rows[0].name,
                        "notifications": rows,
                        "preferences_url": absolute(
                            reverse("participants:notification_preferences")
                        ),
                    },
                ),  # fmt: skip
                from_email=None,
                recipient_list=[rows[-1].email],
            )
        except Exception:
            # Back to the digest: tomorrow's run sends them.
            Notification.objects.filter(send_key=key).update(
                status=Status.DIGEST, sent_at=None, send_key=None
            )
            raise
        sent += 1
    return sent


# A phase starting tomorrow ---------------------------------------------------------------

# Who is still following the cohort (not withdrawn, deferred or decided).
FOLLOWING = (Enrolment.Status.REGISTERED, Enrolment.Status.ACTIVE)


def phases_tomorrow_notify(*, today=None):
    """Tell the participants of every phase that starts tomorrow (the daily job). Run twice
    on a day, it tells nobody twice (the phase and its date are the key). Returns how many
    were told."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    phases = list(CohortPhase.objects.filter(start_date=tomorrow).select_related("cohort__program"))
    following = {}
    for enrolment in Enrolment.objects.filter(
        cohort__in={p.cohort_id for p in phases}, status__in=FOLLOWING
    ).select_related("participant__user"):
        following.setdefault(enrolment.cohort_id, []).append(enrolment.participant)
    told = 0
    for phase in phases:
        params = {
            "phase": phase.name,
            "cohort": phase.cohort,
            "date": formats.date_format(phase.start_date, "DATE_FORMAT"),
            "mode": phase.get_mode_display(),
        }
        told += len(
            notify(
                kind=NotificationKind.PHASE_TOMORROW,
                people=following.get(phase.cohort_id, []),
                subject=_("Besok dimulai: %(phase)s") % params,
                body=_("Tahap %(phase)s %(cohort)s dimulai besok, %(date)s (%(mode)s).") % params,
                path=reverse("participants:my_schedule"),
                cohort=phase.cohort,
                key=f"phase:{phase.pk}:{phase.start_date.isoformat()}",
            )
        )
    return told


# Without e-mail ----------------------------------------------------------------------------


def notification_whatsapp_link(notification):
    """A wa.me link with the notification's message, or None without a usable number."""
    message = str(WHATSAPP_NOTIFICATION) % {
        "name": notification.name,
        "body": notification.body,
        "link": notification.link,
    }
    return whatsapp_link(phone=notification.phone, message=message)


def notifications_without_email(cohort):
    """What the cohort's people were to be told and no mail carried, newest first: those
    without an address, and mails the server refused at every try. Staff send each by
    WhatsApp (notification_whatsapp_link)."""
    return Notification.objects.filter(
        cohort=cohort, status__in=[Status.NO_EMAIL, Status.FAILED]
    ).order_by("-created_at", "-pk")
