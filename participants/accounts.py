"""Logins for participants and mentors: the user name is the NIP; an invitation e-mail carries
a link to set the password (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from config.roles import MENTOR, PARTICIPANT
from config.users import name_fields

from .invitations import (
    account_active,
    invitations_send,  # sent from here when the broker is down
    logins_shared_with_participants,
)
from .models import Enrolment
from .tasks import invitations_send_job

PARTICIPANTS = "participants"
MENTORS = "mentors"


def invitations_queue(*, participant_ids=(), mentor_ids=()):
    """Send the invitations from the worker once the accounts are committed."""
    participant_ids, mentor_ids = list(participant_ids), list(mentor_ids)
    if not participant_ids and not mentor_ids:
        return
    transaction.on_commit(lambda: _enqueue(participant_ids, mentor_ids))


def _enqueue(participant_ids, mentor_ids):
    try:
        invitations_send_job.delay(participant_ids, mentor_ids)
    except Exception:  # the broker is down: send from here rather than not at all
        invitations_send(participant_ids=participant_ids, mentor_ids=mentor_ids)


ERROR_USERNAME_TAKEN = gettext_lazy(
    "NIP %(nip)s sudah menjadi nama pengguna akun lain; hubungi administrator sebelum "
    "mendaftarkannya."
)


def nips_taken_by_others(nips):
    """NIPs already used as the user name of someone else: a staff account, or a user not
    tied to the participant or mentor with that NIP. Linking them would hand that account
    to whoever the spreadsheet names."""
    taken = set()
    users = (
        get_user_model()
        .objects.filter(username__in=list(nips))
        .select_related("participant", "mentor")
    )
    for user in users:
        if user.is_staff or user.is_superuser:
            taken.add(user.username)
            continue
        same_person = any(
            getattr(getattr(user, relation, None), "nip", None) == user.username
            for relation in ("participant", "mentor")
        )
        if not same_person:
            taken.add(user.username)
    return taken


def accounts_bulk_ensure(people, *, role_name):
    """Logins for those of `people` (participants or mentors) without one: user name = NIP,
    no password until the invitation is used. A fixed number of queries for any number.

    Returns the people whose login was created here: only they are invited. A person linked
    to a login that already existed (a participant who is also a mentor) is not, so no
    invitation for an existing account goes to an address a spreadsheet typed."""
    without = [person for person in people if person.user_id is None]
    if not without:
        return []
    User = get_user_model()
    nips = [person.nip for person in without]
    taken = nips_taken_by_others(nips)
    if taken:
        raise ValidationError(ERROR_USERNAME_TAKEN, params={"nip": sorted(taken)[0]})
    existing = set(User.objects.filter(username__in=nips).values_list("username", flat=True))
    # The account carries the person's name (with titles), so headers, histories and
    # queues show it rather than the NIP.
    User.objects.bulk_create(
        User(
            username=person.nip,
            email=person.email,
            password=make_password(None),
            **dict(zip(("first_name", "last_name"), name_fields(person.name), strict=True)),
        )
        for person in without
        if person.nip not in existing
    )
    users = {user.username: user for user in User.objects.filter(username__in=nips)}
    for person in without:
        person.user = users[person.nip]
    type(without[0]).objects.bulk_update(without, ["user"])
    created = [person.pk for person in without if person.nip not in existing]
    role = Group.objects.get(name=role_name)
    memberships = User.groups.through
    already = set(
        memberships.objects.filter(group=role, user__in=users.values()).values_list(
            "user_id", flat=True
        )
    )
    memberships.objects.bulk_create(
        memberships(user_id=user.pk, group_id=role.pk)
        for user in users.values()
        if user.pk not in already
    )
    return created


def mentor_account_ensure(*, mentor, invite=True):
    """A login for a mentor (user name: their NIP), to follow and score their mentees."""
    created = accounts_bulk_ensure([mentor], role_name=MENTOR)
    if created and invite and mentor.email:
        invitations_queue(mentor_ids=created)
    return mentor.user


def mentor_accounts_ensure(mentors):
    created = accounts_bulk_ensure(mentors, role_name=MENTOR)
    invitations_queue(mentor_ids=[m.pk for m in mentors if m.pk in set(created) and m.email])


def invitations_to_inactive(*, cohort):
    """Invite by e-mail everyone of the cohort whose account is not active yet (no password
    set): its participants, withdrawn ones aside, and their mentors. Those without an
    account get one first. Returns the numbers invited and those left without an e-mail
    address (to be reached by WhatsApp)."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("participant__user", "mentor__user")
    )
    participants = [e.participant for e in enrolments]
    mentors = list({e.mentor.pk: e.mentor for e in enrolments if e.mentor_id}.values())
    accounts_bulk_ensure(participants, role_name=PARTICIPANT)
    accounts_bulk_ensure(mentors, role_name=MENTOR)
    # A mentor whose login is a participant's is invited as that participant, at the
    # participant's address, never at the one a spreadsheet gave the mentor.
    shared = logins_shared_with_participants(mentors)
    mentors = [m for m in mentors if m.user_id not in shared]
    waiting = [p for p in participants if not account_active(p.user)]
    waiting_mentors = [m for m in mentors if not account_active(m.user)]
    participant_ids = [p.pk for p in waiting if p.email]
    mentor_ids = [m.pk for m in waiting_mentors if m.email]
    invitations_queue(participant_ids=participant_ids, mentor_ids=mentor_ids)
    return {
        "emailed": len(participant_ids) + len(mentor_ids),
        "without_email": len(waiting)
        + len(waiting_mentors)
        - len(participant_ids)
        - len(mentor_ids),
    }
