"""Participants and their enrolment in cohorts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, calendar_token_new
from config.roles import PARTICIPANT
from projects.models import ChangeProject

from .models import Enrolment, Participant
from .nip import nip_normalize

ERROR_ALREADY_ENROLLED = _("Peserta dengan NIP %(nip)s sudah terdaftar di angkatan ini.")
ERROR_COHORT_FULL = _("Angkatan sudah penuh (kapasitas %(capacity)s peserta).")


@transaction.atomic
def participant_upsert(*, nip, name, rank, position, agency, email=""):
    """The participant with this NIP, created or brought up to date: one person, one record."""
    participant = Participant.objects.filter(nip=nip_normalize(nip)).first() or Participant()
    participant.nip = nip_normalize(nip)
    participant.name = name.strip()
    participant.rank = rank
    participant.position = position.strip()
    participant.agency = agency
    participant.email = email
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def enrolment_create(*, cohort, participant, coach=None):
    """Enrol a participant: checked against the cohort's capacity under a lock on the cohort,
    so two staff enrolling at once cannot overfill it. The enrolment comes with its change
    project and the participant with a login (their NIP)."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if Enrolment.objects.filter(cohort=cohort, participant=participant).exists():
        raise ValidationError(ERROR_ALREADY_ENROLLED, params={"nip": participant.nip_display})
    if cohort.enrolments.count() >= cohort.capacity:
        raise ValidationError(ERROR_COHORT_FULL, params={"capacity": cohort.capacity})
    enrolment = Enrolment.objects.create(cohort=cohort, participant=participant, coach=coach)
    ChangeProject.objects.create(enrolment=enrolment)
    participant_account_ensure(participant=participant)
    return enrolment


@transaction.atomic
def participant_enrol(*, cohort, coach=None, **participant_fields):
    """The enrol form's one service: the participant's record and their enrolment together,
    so a refused enrolment leaves the record as it was."""
    participant = participant_upsert(**participant_fields)
    return enrolment_create(cohort=cohort, participant=participant, coach=coach)


def participant_account_ensure(*, participant, password=None):
    """A login for the participant, with their NIP as user name."""
    user = participant.user
    if user is None:
        user, created = get_user_model().objects.get_or_create(
            username=participant.nip, defaults={"email": participant.email}
        )
        if created:
            # No password until the participant sets one (or staff give one).
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Participant.objects.filter(pk=participant.pk).update(user=user)
        participant.user = user
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=PARTICIPANT))
    return user


def participant_calendar_reset(*, participant):
    """A new secret for the participant's calendar URL; the old URL stops working."""
    participant.calendar_token = calendar_token_new()
    participant.save(update_fields=["calendar_token"])
    return participant.calendar_token
