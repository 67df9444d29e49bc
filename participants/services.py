"""Participants, their enrolment in cohorts, and their attendance on campus days."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, calendar_token_new
from cohorts.services import phase_day_check
from config.roles import PARTICIPANT
from config.users import name_fields

from .accounts import accounts_bulk_ensure, invitations_queue, mentor_account_ensure
from .eligibility import CohortContext, refusals_for
from .models import Attendance, EligibilityOverride, Enrolment, Mentor, Participant
from .nip import nip_normalize

ERROR_ALREADY_ENROLLED = _("Peserta dengan NIP %(nip)s sudah terdaftar di angkatan ini.")
ERROR_OVERRIDE_REASON = _("Tuliskan alasan pengecualian syarat.")


class EligibilityRefused(ValidationError):
    """The participant fails rules of the program; staff may set them aside with a reason."""

    def __init__(self, refusals):
        self.refusals = refusals
        super().__init__([r.message for r in refusals])


# Apps above participants that keep a row for every enrolment (projects: its change project)
# register a function here when Django starts (their AppConfig.ready). Enrolling, one by one
# or by import, calls each of them with the new enrolments inside its own transaction. An
# explicit call at the two places that enrol, not a model signal: participants need not
# import the apps above them, and nothing happens behind a save().
_enrolment_follow_ups = []


def enrolment_follow_up_register(follow_up):
    """`follow_up(*, enrolments)` runs for every batch of new enrolments."""
    if follow_up not in _enrolment_follow_ups:
        _enrolment_follow_ups.append(follow_up)


def enrolments_follow_up(*, enrolments):
    for follow_up in _enrolment_follow_ups:
        follow_up(enrolments=enrolments)


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
    _login_name_follow(participant)
    return participant


@transaction.atomic
def mentor_upsert(*, nip, name, position="", email="", phone=None):
    """The mentor with this NIP, created or brought up to date. `phone` None keeps the
    number already known (a list without one does not erase it)."""
    mentor = Mentor.objects.filter(nip=nip_normalize(nip)).first() or Mentor()
    mentor.nip = nip_normalize(nip)
    mentor.name, mentor.position, mentor.email = name.strip(), position.strip(), email
    if phone is not None:
        mentor.phone = phone.strip()
    mentor.full_clean()
    mentor.save()
    _login_name_follow(mentor)
    return mentor


def _login_name_follow(person):
    """A corrected name (a title added, a typo fixed) shows on every page the login appears
    on. A login that is also someone else's (a participant who mentors) keeps the
    participant's name."""
    if person.user_id is None or (
        isinstance(person, Mentor) and hasattr(person.user, "participant")
    ):
        return
    first, last = name_fields(person.name)
    get_user_model().objects.filter(pk=person.user_id).update(first_name=first, last_name=last)


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
    enrolments_follow_up(enrolments=[enrolment])
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


ERROR_FUTURE_DAY = _("Presensi %(date)s belum dapat dicatat: hari itu belum tiba.")
ERROR_NOT_IN_COHORT = _("Peserta yang dipilih tidak terdaftar di angkatan ini.")
ERROR_UNKNOWN_STATUS = _("Status kehadiran tidak dikenal: %(status)s.")


@transaction.atomic
def attendance_record(*, phase, date, statuses, recorded_by):
    """Record one day's attendance: `statuses` maps enrolment ids to hadir/izin/sakit/alpa.

    Participants left out keep what they had. A fixed number of queries whatever the cohort
    size.
    """
    phase_day_check(phase, date)
    if date > timezone.localdate():
        raise ValidationError(ERROR_FUTURE_DAY, params={"date": date_format(date, "DATE_FORMAT")})
    enrolled = set(phase.cohort.enrolments.values_list("pk", flat=True))
    if not set(statuses) <= enrolled:
        raise ValidationError(ERROR_NOT_IN_COHORT)
    valid = set(Attendance.Status.values)
    for status in statuses.values():
        if status not in valid:
            raise ValidationError(ERROR_UNKNOWN_STATUS, params={"status": status})
    # One record per participant per day, whichever phase recorded it before.
    existing = {
        a.enrolment_id: a for a in Attendance.objects.filter(date=date, enrolment_id__in=statuses)
    }
    changed, now = [], timezone.now()
    for enrolment_id, status in statuses.items():
        record = existing.get(enrolment_id)
        if record and (record.status, record.phase_id) != (status, phase.pk):
            record.status, record.phase, record.recorded_by = status, phase, recorded_by
            record.recorded_at = now
            changed.append(record)
    Attendance.objects.bulk_update(changed, ["status", "phase", "recorded_by", "recorded_at"])
    Attendance.objects.bulk_create(
        Attendance(
            enrolment_id=enrolment_id,
            phase=phase,
            date=date,
            status=status,
            recorded_by=recorded_by,
        )
        for enrolment_id, status in statuses.items()
        if enrolment_id not in existing
    )


@transaction.atomic
def mentor_contact_set(*, mentor, email, phone):
    """Staff correct a mentor's e-mail address and WhatsApp number before inviting them."""
    mentor.email, mentor.phone = email.strip(), phone.strip()
    mentor.full_clean()
    mentor.save(update_fields=["email", "phone"])
    return mentor
