"""Invitation e-mails: a link to set the password (Django's password-reset token, valid for
PASSWORD_RESET_TIMEOUT). Sent by the worker (participants.tasks) once accounts are
committed.
Staff may also hand the same link over by WhatsApp (invitation_whatsapp_link)."""

import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Mentor, Participant


def password_set_url(user):
    path = reverse(
        "password_set",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user)},
    )  # fmt: skip
    return settings.SITE_URL + path


def logins_shared_with_participants(mentors):
    """The logins of these mentors that are also a participant's (one query). Such a login is
    the participant's: its set-password link goes only to the participant's own address, never
    to the one a spreadsheet gave the mentor."""
    ids = [m.user_id for m in mentors if m.user_id]
    if not ids:
        return set()
    return set(Participant.objects.filter(user_id__in=ids).values_list("user_id", flat=True))


def _reachable(person, shared=None):
    """Whether the person's set-password link may go to their own address or number.
    `shared`: logins_shared_with_participants of a page's mentors, read once for all."""
    if person.user is None:
        return False
    if not isinstance(person, Mentor):
        return True
    shared = logins_shared_with_participants([person]) if shared is None else shared
    return person.user_id not in shared


def _invitation_send(*, person, role_text):
    if not person.email or not _reachable(person):
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
        sent += mentor_invitation_send(mentor=mentor)
    return sent


def _mentor_role_text():
    return _("sebagai mentor peserta pelatihan")


def mentor_invitation_send(*, mentor):
    """E-mail the mentor a link to set their password. Returns whether one was sent."""
    return _invitation_send(person=mentor, role_text=_mentor_role_text())


# Activation -------------------------------------------------------------------------------
# An account is active once its owner has set a password (through the invitation link, or
# one an administrator gave). Accounts are created without a usable password, so this is
# read from the user row the page already joins: no query, and no reliance on a login
# having been recorded.


def account_active(user):
    return user is not None and user.has_usable_password()


# WhatsApp ---------------------------------------------------------------------------------
# Staff click a wa.me link that opens WhatsApp (on the web or the phone) with the message
# written; they press send. No WhatsApp API, no account with Meta.

WHATSAPP_MESSAGE = gettext_lazy(
    "Yth. %(name)s, Anda terdaftar %(role_text)s di Angkatan. Nama pengguna: %(username)s. "
    "Buat kata sandi Anda melalui tautan ini: %(url)s"
)


def whatsapp_number(phone):
    """An Indonesian mobile number in the international form wa.me wants (62…, digits only),
    or None when the number cannot be one: 0812…, +62 812…, 62812… and 812… are the same."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    elif not digits.startswith("62") and not (phone or "").strip().startswith("+"):
        return None
    # Indonesian mobile numbers have 9 to 13 digits after the country code.
    return digits if 10 <= len(digits) <= 15 else None


def whatsapp_link(*, phone, message):
    number = whatsapp_number(phone)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(message, safe='')}"


def invitation_whatsapp_possible(*, person, shared=None):
    """Whether invitation_whatsapp_link would give a link, without making the link (a
    set-password token and a whole message): what a page of many people shows before staff
    click one (the link is then made by our short address, invitation_views)."""
    return bool(person.phone) and _reachable(person, shared) and bool(whatsapp_number(person.phone))


def invitation_whatsapp_link(*, person, role_text=None, shared=None):
    """A wa.me link carrying the person's set-password link, or None without a usable phone
    number or an account. `person` is a participant or a mentor; `shared` as for
    _reachable."""
    if not person.phone or not _reachable(person, shared):
        return None
    if role_text is None:
        role_text = (
            _mentor_role_text() if isinstance(person, Mentor) else _("sebagai peserta pelatihan")
        )
    message = str(WHATSAPP_MESSAGE) % {
        "name": person.name,
        "role_text": role_text,
        "username": person.user.username,
        "url": password_set_url(person.user),
    }
    return whatsapp_link(phone=person.phone, message=message)
