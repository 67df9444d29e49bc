"""Closing a cohort's grades after the graduation meeting, and reopening them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from cohorts.models import Cohort
from participants.models import Enrolment, NotificationKind, Participant
from participants.notifications import notify

from .models import GradesEvent, State
from .selectors import cohort_finals

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
ERROR_NOT_FINAL = _(
    "Proyek peserta berikut belum final: %(names)s. Tetapkan final setiap proyek, atau tandai "
    "pesertanya ditunda atau mengundurkan diri, sebelum menutup nilai."
)

ERROR_STATUS_REASON = _("Tuliskan alasan perubahan status peserta.")
ERROR_STATUS_CHOICE = _("Status ini ditetapkan saat nilai ditutup, bukan dengan tangan.")
CLOSED_REASON = _("Nilai angkatan ditutup")

# Outcomes staff set by hand and closing leaves alone.
SET_BY_HAND = (Enrolment.Status.WITHDRAWN, Enrolment.Status.DEFERRED)
# What staff may set by hand: the two above, or back to active.
STATUS_BY_HAND = (Enrolment.Status.ACTIVE, *SET_BY_HAND)


@transaction.atomic
def enrolment_status_set(*, enrolment, status, actor, reason):
    """Mark a participant withdrawn or deferred (or active again), with a reason kept in the
    enrolment's history. Refused while the cohort's grades are closed."""
    reason = (reason or "").strip()
    if status not in STATUS_BY_HAND:
        raise ValidationError(ERROR_STATUS_CHOICE)
    if not reason:
        raise ValidationError(ERROR_STATUS_REASON)
    grades_open_check(enrolment.cohort)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != status:
        enrolment.status = status
        enrolment._history_user, enrolment._change_reason = actor, reason
        enrolment.save(update_fields=["status"])
    return enrolment


def grades_open_check(cohort):
    """Refuse while the cohort's grades are closed. The cohort row stays locked to the end of
    the caller's transaction, so closing waits for a score being saved, and the other way
    round."""
    closed_at = (
        Cohort.objects.select_for_update()
        .filter(pk=cohort.pk)
        .values_list("grades_closed_at", flat=True)
        .first()
    )
    if closed_at is not None:
        raise ValidationError(
            ERROR_CLOSED,
            params={"when": formats.date_format(timezone.localtime(closed_at), "DATETIME_FORMAT")},
        )


@transaction.atomic
def grades_close(*, cohort, actor):
    """Close the grades and write each participant's outcome (lulus or tidak lulus) to
    their enrolment. Refused while any final score is still open."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.grades_closed_at:
        raise ValidationError(ERROR_ALREADY_CLOSED)
    enrolments = [e for e in cohort_finals(cohort) if e.status not in SET_BY_HAND]
    not_final = [
        e.participant.name
        for e in enrolments
        if getattr(e, "project", None) is None or e.project.state != State.FINAL
    ]
    if not_final:
        raise ValidationError(ERROR_NOT_FINAL, params={"names": ", ".join(not_final)})
    open_scores = [e.participant.name for e in enrolments if e.final.score is None]
    if open_scores:
        raise ValidationError(ERROR_INCOMPLETE, params={"names": ", ".join(open_scores)})
    for enrolment in enrolments:
        enrolment.status = (
            Enrolment.Status.PASSED if enrolment.final.passes else Enrolment.Status.FAILED
        )
    bulk_update_with_history(
        enrolments, Enrolment, ["status"], default_user=actor,
        default_change_reason=str(CLOSED_REASON),
    )  # fmt: skip
    cohort.grades_closed_at = timezone.now()
    cohort.save(update_fields=["grades_closed_at"])
    GradesEvent.objects.create(cohort=cohort, action=GradesEvent.Action.CLOSE, actor=actor)
    notify(
        kind=NotificationKind.GRADES_CLOSED,
        people=Participant.objects.filter(enrolments__in=enrolments).select_related("user"),
        subject=_("Nilai %(cohort)s sudah ditutup") % {"cohort": cohort},
        body=_("Nilai %(cohort)s sudah ditutup. Lihat nilai akhir dan hasil pelatihan Anda.")
        % {"cohort": cohort},
        path=reverse("projects:my_training"),
        cohort=cohort,
    )
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
    decided = list(
        Enrolment.objects.filter(
            cohort=cohort, status__in=[Enrolment.Status.PASSED, Enrolment.Status.FAILED]
        )
    )
    for enrolment in decided:
        enrolment.status = Enrolment.Status.ACTIVE
    bulk_update_with_history(
        decided, Enrolment, ["status"], default_user=actor, default_change_reason=reason
    )
    cohort.grades_closed_at = None
    cohort.save(update_fields=["grades_closed_at"])
    GradesEvent.objects.create(
        cohort=cohort, action=GradesEvent.Action.REOPEN, actor=actor, reason=reason
    )
    return cohort
