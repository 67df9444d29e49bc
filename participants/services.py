"""Participants and their enrolment in cohorts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, calendar_token_new
from config.roles import PARTICIPANT
from projects.models import ChangeProject

from .accounts import accounts_bulk_ensure, invitations_queue, mentor_account_ensure
from .eligibility import CohortContext, refusals_for
from .models import EligibilityOverride, Enrolment, Mentor, Participant
from .nip import nip_normalize

ERROR_ALREADY_ENROLLED = _("Peserta dengan NIP %(nip)s sudah terdaftar di angkatan ini.")
ERROR_OVERRIDE_REASON = _("Tuliskan alasan pengecualian syarat.")


class EligibilityRefused(ValidationError):
    """The participant fails rules of the program; staff may set them aside with a reason."""

    def __init__(self, refusals):
        self.refusals = refusals
        super().__init__([r.message for r in refusals])


PARTICIPANT_FIELDS = ["name", "rank", "position", "position_level", "agency", "email", "phone"]


@transaction.atomic
def participant_upsert(*, nip, name, rank, position, agency, email="", phone="",
                       position_level=""):  # fmt: skip
    """The participant with this NIP, created or brought up to date: one person, one record."""
    participant = Participant.objects.filter(nip=nip_normalize(nip)).first() or Participant()
    participant.nip = nip_normalize(nip)
    participant.name = name.strip()
    participant.rank = rank
    participant.position = position.strip()
    participant.position_level = position_level
    participant.agency = agency
    participant.email = email
    participant.phone = phone.strip()
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def mentor_upsert(*, nip, name, position="", email=""):
    mentor = Mentor.objects.filter(nip=nip_normalize(nip)).first() or Mentor()
    mentor.nip = nip_normalize(nip)
    mentor.name, mentor.position, mentor.email = name.strip(), position.strip(), email
    mentor.full_clean()
    mentor.save()
    return mentor


@transaction.atomic
def enrolment_create(*, cohort, participant, coach=None, mentor=None, group=None,
                     override_reason="", overridden_by=None, invite=True):  # fmt: skip
    """Enrol a participant, checked against the program's eligibility policy under a lock on
    the cohort, so two staff enrolling at once cannot overfill it or an agency's quota.

    A refusal raises EligibilityRefused; with `override_reason` the refused rules are set aside
    and the reason is kept. The enrolment comes with its change project and the participant
    with a login (their NIP)."""
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    if Enrolment.objects.filter(cohort=cohort, participant=participant).exists():
        raise ValidationError(ERROR_ALREADY_ENROLLED, params={"nip": participant.nip_display})
    refusals = refusals_for(participant, CohortContext(cohort))
    if refusals and not override_reason.strip():
        raise EligibilityRefused(refusals)
    enrolment = Enrolment.objects.create(
        cohort=cohort, participant=participant, coach=coach, mentor=mentor, group=group
    )
    EligibilityOverride.objects.bulk_create(
        EligibilityOverride(
            enrolment=enrolment,
            rule=refusal.rule,
            message=refusal.message,
            reason=override_reason.strip(),
            overridden_by=overridden_by,
        )
        for refusal in refusals
    )
    ChangeProject.objects.create(enrolment=enrolment)
    created = accounts_bulk_ensure([participant], role_name=PARTICIPANT)
    if invite and created and participant.email:
        invitations_queue(participant_ids=created)
    return enrolment


@transaction.atomic
def participant_enrol(*, cohort, coach=None, mentor=None, override_reason="", overridden_by=None,
                      **participant_fields):  # fmt: skip
    """The enrol form's one service: the participant's record, their mentor and their
    enrolment together, so a refused enrolment leaves every record as it was."""
    participant = participant_upsert(**participant_fields)
    mentor = mentor_upsert(**mentor) if mentor else None
    if mentor:
        mentor_account_ensure(mentor=mentor)
    return enrolment_create(
        cohort=cohort, participant=participant, coach=coach, mentor=mentor,
        override_reason=override_reason, overridden_by=overridden_by,
    )  # fmt: skip


def participant_account_ensure(*, participant, password=None):
    """A login for the participant, with their NIP as user name."""
    accounts_bulk_ensure([participant], role_name=PARTICIPANT)
    user = participant.user
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def participant_calendar_reset(*, participant):
    """A new secret for the participant's calendar URL; the old URL stops working."""
    participant.calendar_token = calendar_token_new()
    participant.save(update_fields=["calendar_token"])
    return participant.calendar_token
