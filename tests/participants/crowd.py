"""A cohort of hundreds built in a few inserts: the paginated pages are tested at 40 and at
400 participants, and the factories' one enrolment at a time would take most of a minute."""

from config import roles
from participants.accounts import accounts_bulk_ensure
from participants.models import Enrolment, Mentor, Participant
from participants.services import enrolments_follow_up

from ..factories import AgencyFactory, valid_nip

# Far past the factories' sequence, so that the NIPs never collide with ParticipantFactory's.
FIRST = 5000


def crowd(cohort, size, *, start=0, mentor=None, group=None, accounts=False, **fields):
    """`size` enrolments of new participants in `cohort`, named "Peserta Massal 0000" on in
    the order of their number, with their change projects (and logins with `accounts`)."""
    agency = AgencyFactory()
    participants = Participant.objects.bulk_create(
        Participant(
            nip=valid_nip(FIRST + start + n),
            name=f"Peserta Massal {start + n:04d}",
            rank="III/a",
            position="Analis Kebijakan Ahli Pertama",
            agency=agency,
            **fields,
        )
        for n in range(size)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, participant=p, mentor=mentor, group=group) for p in participants
    )
    enrolments_follow_up(enrolments=enrolments)
    if accounts:
        accounts_bulk_ensure(participants, role_name=roles.PARTICIPANT)
    return enrolments


def mentor_crowd(size, *, start=0):
    """`size` mentors with the phone number WhatsApp needs and their logins."""
    mentors = Mentor.objects.bulk_create(
        Mentor(
            nip=valid_nip(FIRST + 20000 + start + n),
            name=f"Mentor Massal {start + n:04d}",
            phone="0812 3456 7890",
        )
        for n in range(size)
    )
    accounts_bulk_ensure(mentors, role_name=roles.MENTOR)
    return mentors
