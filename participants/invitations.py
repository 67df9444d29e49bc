"""Invitation e-mails: a link to set the password (Django's password-reset token, valid for
PASSWORD_RESET_TIMEOUT). Sent by the worker (participants.tasks) once accounts are
committed."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Mentor, Participant


def password_set_url(user):
    path = reverse(
        "password_set",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user)},
    )  # fmt: skip
    return settings.SITE_URL + path


def _invitation_send(*, person, role_text):
    if not person.email or person.user is None:
        return False
    context = {
        "name": person.name,
        "role_text": role_text,
        "username": person.user.username,
        "url": password_set_url(person.user),
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=_("Akun Angkatan Anda"),
        message=render_to_string("participants/email_invitation.txt", context),
        from_email=None,
        recipient_list=[person.email],
    )
    return True


def invitation_send(*, participant):
    """E-mail the participant a link to set their password. Returns whether one was sent."""
    return _invitation_send(person=participant, role_text=_("sebagai peserta pelatihan"))


def invitations_send(*, participant_ids=(), mentor_ids=()):
    sent = 0
    for participant in Participant.objects.filter(pk__in=participant_ids).select_related("user"):
        sent += invitation_send(participant=participant)
    for mentor in Mentor.objects.filter(pk__in=mentor_ids).select_related("user"):
        sent += _invitation_send(person=mentor, role_text=_("sebagai mentor peserta pelatihan"))
    return sent
