"""Participants' logins: the user name is the NIP; an invitation e-mail carries a link to set
the password (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Participant


def password_set_url(user):
    path = reverse(
        "password_set",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user)},
    )  # fmt: skip
    return settings.SITE_URL + path


def invitation_send(*, participant):
    """E-mail the participant a link to set their password. Returns whether one was sent."""
    if not participant.email or participant.user is None:
        return False
    context = {
        "participant": participant,
        "username": participant.user.username,
        "url": password_set_url(participant.user),
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=_("Akun Angkatan Anda"),
        message=render_to_string("participants/email_invitation.txt", context),
        from_email=None,
        recipient_list=[participant.email],
    )
    return True


def invitations_send(*, participant_ids):
    sent = 0
    for participant in Participant.objects.filter(pk__in=participant_ids).select_related("user"):
        sent += invitation_send(participant=participant)
    return sent


def invitations_queue(*, participant_ids):
    """Send the invitations from the worker once the accounts are committed."""
    if not participant_ids:
        return
    from .tasks import invitations_send_job

    ids = list(participant_ids)
    transaction.on_commit(lambda: _enqueue(invitations_send_job, ids))


def _enqueue(task, ids):
    try:
        task.delay(ids)
    except Exception:  # the broker is down: send from here rather than not at all
        invitations_send(participant_ids=ids)
