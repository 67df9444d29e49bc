"""Logins for participants and mentors: the user name is the NIP; an invitation e-mail carries
a link to set the password (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from config.roles import MENTOR

from .models import Mentor, Participant

PARTICIPANTS = "participants"
MENTORS = "mentors"


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


def invitations_queue(*, participant_ids=(), mentor_ids=()):
    """Send the invitations from the worker once the accounts are committed."""
    participant_ids, mentor_ids = list(participant_ids), list(mentor_ids)
    if not participant_ids and not mentor_ids:
        return
    transaction.on_commit(lambda: _enqueue(participant_ids, mentor_ids))


def _enqueue(participant_ids, mentor_ids):
    from .tasks import invitations_send_job

    try:
        invitations_send_job.delay(participant_ids, mentor_ids)
    except Exception:  # the broker is down: send from here rather than not at all
        invitations_send(participant_ids=participant_ids, mentor_ids=mentor_ids)


def mentor_account_ensure(*, mentor, invite=True):
    """A login for a mentor (user name: their NIP), to follow and score their mentees."""
    if mentor.user_id is None:
        user, created = get_user_model().objects.get_or_create(
            username=mentor.nip, defaults={"email": mentor.email}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Mentor.objects.filter(pk=mentor.pk).update(user=user)
        mentor.user = user
        user.groups.add(Group.objects.get(name=MENTOR))
        if invite and mentor.email:
            invitations_queue(mentor_ids=[mentor.pk])
    return mentor.user
