"""Logins for participants and mentors: the user name is the NIP; an invitation e-mail carries
a link to set the password (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT)."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
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
    no password until the invitation is used. A fixed number of queries for any number (the
    links in chunks). People about to be created get theirs from logins_bulk_create instead.

    Returns the ids of the people whose login was created here: only they are invited. A
    person linked to a login that already existed (a participant who is also a mentor) is
    not, so no invitation for an existing account goes to an address a spreadsheet typed."""
    without = [person for person in people if person.user_id is None]
    if not without:
        return []
    created = logins_bulk_create(without, role_name=role_name)
    saved = [person for person in without if person.pk is not None]
    # In chunks: Django updates through one CASE branch per row, whose cost grows with the
    # square of the rows in one statement.
    type(without[0]).objects.bulk_update(saved, ["user"], batch_size=UPDATE_BATCH)
    return [person.pk for person in without if person.nip in created]


# Rows per UPDATE when many rows get different values (bulk_update's CASE): small enough that
# the CASE stays cheap, large enough that 2,000 rows are a few queries.
UPDATE_BATCH = 100


def logins_bulk_create(people, *, role_name):
    """A login for each of `people` (none has one yet), or the existing login named by their
    NIP, in the role `role_name`; sets `person.user` without saving the person. For people
    not saved yet, the caller's bulk_create then stores the link with them: an import writes
    no link afterwards (an UPDATE of 2,000 rows through a CASE of 2,000 branches was most of
    its time). Returns the NIPs whose login was created here."""
    User = get_user_model()
    nips = [person.nip for person in people]
    taken = nips_taken_by_others(nips)
    if taken:
        raise ValidationError(ERROR_USERNAME_TAKEN, params={"nip": sorted(taken)[0]})
    users = {user.username: user for user in User.objects.filter(username__in=nips)}
    existing = set(users)
    # The account carries the person's name (with titles), so headers, histories and
    # queues show it rather than the NIP.
    new = [
        User(
            username=person.nip,
            email=person.email,
            password=unusable_password(),
            **dict(zip(("first_name", "last_name"), name_fields(person.name), strict=True)),
        )
        for person in people
        if person.nip not in existing
    ]
    User.objects.bulk_create(new)
    if any(user.pk is None for user in new):  # a database that returns no keys from an insert
        users = {user.username: user for user in User.objects.filter(username__in=nips)}
    else:
        users.update((user.username, user) for user in new)
    for person in people:
        person.user = users[person.nip]
    role = Group.objects.get(name=role_name)
    memberships = User.groups.through
    already = set(
        memberships.objects.filter(
            group=role, user_id__in=[users[nip].pk for nip in existing]
        ).values_list("user_id", flat=True)
    )
    memberships.objects.bulk_create(
        memberships(user_id=user.pk, group_id=role.pk)
        for user in users.values()
        if user.pk not in already
    )
    return {nip for nip in nips if nip not in existing}


def unusable_password():
    """What make_password(None) stores (the "!" prefix and 40 random characters), from one
    call to the system's random source instead of 40: an import makes thousands."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def mentor_account_ensure(*, mentor, invite=True):
    """A login for a mentor (user name: their NIP), to follow and score their mentees."""
    created = accounts_bulk_ensure([mentor], role_name=MENTOR)
    if created and invite and mentor.email:
        invitations_queue(mentor_ids=created)
    return mentor.user


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
