"""Closing a cohort's grades after the graduation meeting, and reopening them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from participants.models import Enrolment

from .models import GradesEvent

ERROR_CLOSED = _(
    "Nilai angkatan ini sudah ditutup pada %(when)s. Nilai hanya dapat diubah setelah staf "
    "membukanya kembali dengan alasan."
)
ERROR_ALREADY_CLOSED = _("Nilai angkatan ini sudah ditutup.")
ERROR_NOT_CLOSED = _("Nilai angkatan ini belum ditutup.")
ERROR_INCOMPLETE = _(
    "Nilai akhir belum lengkap untuk: %(names)s. Lengkapi nilainya, atau tandai peserta itu "
    "ditunda atau mengundurkan diri, sebelum menutup nilai."
)
ERROR_REASON = _("Tuliskan alasan membuka kembali nilai.")

# Outcomes staff set by hand and closing leaves alone.
SET_BY_HAND = (Enrolment.Status.WITHDRAWN, Enrolment.Status.DEFERRED)


def grades_open_check(cohort):
    closed_at = Cohort.objects.filter(pk=cohort.pk).values_list("grades_closed_at", flat=True)
    closed_at = closed_at.first()
    if closed_at is not None:
        raise ValidationError(
            ERROR_CLOSED,
            params={"when": formats.date_format(timezone.localtime(closed_at), "DATETIME_FORMAT")},
        )


@transaction.atomic
def grades_close(*, cohort, actor):
    """Close the grades and write each participant's outcome (lulus or tidak lulus) to
    their enrolment. Refused while any final score is still open."""
    from .gradebook import cohort_finals

    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.grades_closed_at:
        raise ValidationError(ERROR_ALREADY_CLOSED)
    enrolments = [e for e in cohort_finals(cohort) if e.status not in SET_BY_HAND]
    open_scores = [e.participant.name for e in enrolments if e.final.score is None]
    if open_scores:
        raise ValidationError(ERROR_INCOMPLETE, params={"names": ", ".join(open_scores)})
    for enrolment in enrolments:
        enrolment.status = (
            Enrolment.Status.PASSED if enrolment.final.passes else Enrolment.Status.FAILED
        )
    Enrolment.objects.bulk_update(enrolments, ["status"])
    cohort.grades_closed_at = timezone.now()
    cohort.save(update_fields=["grades_closed_at"])
    GradesEvent.objects.create(cohort=cohort, action=GradesEvent.Action.CLOSE, actor=actor)
    return cohort


@transaction.atomic
def grades_reopen(*, cohort, actor, reason):
    """Reopen closed grades with a reason; the outcomes go back to active until they close."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(ERROR_REASON)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort.grades_closed_at:
        raise ValidationError(ERROR_NOT_CLOSED)
    Enrolment.objects.filter(
        cohort=cohort, status__in=[Enrolment.Status.PASSED, Enrolment.Status.FAILED]
    ).update(status=Enrolment.Status.ACTIVE)
    cohort.grades_closed_at = None
    cohort.save(update_fields=["grades_closed_at"])
    GradesEvent.objects.create(
        cohort=cohort, action=GradesEvent.Action.REOPEN, actor=actor, reason=reason
    )
    return cohort
