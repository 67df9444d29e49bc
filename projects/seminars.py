"""Seminars: when and where participants present their project, and who examines it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from participants.models import NotificationKind
from participants.notifications import notify, notify_each

from .models import Actor, ChangeProject, Seminar, State
from .scoring import project_score_refresh, rubrics_of
from .workflow import SCHEDULE_SEMINAR, step_record

ERROR_NO_EXAMINERS = _("Pilih paling sedikit satu penguji.")
ERROR_NO_PARTICIPANTS = _("Pilih peserta atau kelompok yang diuji.")
ERROR_NOT_READY = _(
    "Laporan peserta berikut belum diajukan, seminarnya belum dapat dijadwalkan: %(names)s."
)
ERROR_COACH_EXAMINES = _(
    "%(name)s tidak dapat menguji peserta yang dibimbingnya sendiri: %(names)s."
)
READY = (State.REPORT_SUBMITTED, State.SEMINAR_SCHEDULED)


@transaction.atomic
def seminar_schedule(*, cohort, starts_at, room, examiners, enrolments, actor):
    """Schedule a seminar for some participants (one, or a whole group) and move their
    projects to "seminar scheduled". Each must have submitted their report."""
    examiners, enrolments = list(examiners), list(enrolments)
    if not examiners:
        raise ValidationError(ERROR_NO_EXAMINERS)
    if not enrolments:
        raise ValidationError(ERROR_NO_PARTICIPANTS)
    projects = list(
        ChangeProject.objects.select_for_update(of=("self",))
        .filter(enrolment__in=enrolments, enrolment__cohort=cohort)
        .select_related("enrolment__participant__user")
    )
    by_enrolment = {p.enrolment_id: p for p in projects}
    not_ready = [
        e.participant.name
        for e in enrolments
        if e.pk not in by_enrolment or by_enrolment[e.pk].state not in READY
    ]
    if not_ready:
        raise ValidationError(ERROR_NOT_READY, params={"names": ", ".join(not_ready)})
    for examiner in examiners:
        # An examiner judges work they did not coach.
        coached = [
            p.enrolment.participant.name for p in projects if p.enrolment.coach_id == examiner.pk
        ]
        if coached:
            raise ValidationError(
                ERROR_COACH_EXAMINES,
                params={
                    "name": examiner.get_full_name() or examiner.username,
                    "names": ", ".join(coached),
                },
            )
    seminar = Seminar.objects.create(cohort=cohort, starts_at=starts_at, room=room)
    seminar.examiners.set(examiners)
    seminar.enrolments.set(enrolments)
    rubrics = rubrics_of(cohort.program)
    for project in projects:
        if project.state == State.REPORT_SUBMITTED:
            step_record(project, SCHEDULE_SEMINAR, actor=actor, role=Actor.STAFF)
        # A new examiner's score is now due: the project score waits for it.
        project_score_refresh(project, rubrics=rubrics)
    seminar_notify(seminar, projects=projects, examiners=examiners)
    return seminar


def seminar_notify(seminar, *, projects, examiners):
    """Tell each participant (with a link to their project) and each examiner (to their
    seminars) when and where the seminar is; sent once the scheduling commits."""
    params = {
        "cohort": seminar.cohort,
        "when": formats.date_format(timezone.localtime(seminar.starts_at), "DATETIME_FORMAT"),
        "room": seminar.room,
    }
    subject = _("Seminar proyek perubahan: %(when)s") % params
    notify_each(
        kind=NotificationKind.SEMINAR_SCHEDULED,
        entries=[(p.enrolment.participant, p.get_absolute_url(), "") for p in projects],
        subject=subject,
        body=_(
            "Seminar proyek perubahan Anda (%(cohort)s) dijadwalkan %(when)s di %(room)s. "
            "Siapkan bahan paparan Anda."
        )
        % params,
        cohort=seminar.cohort,
    )
    params["names"] = ", ".join(p.enrolment.participant.name for p in projects)
    notify(
        kind=NotificationKind.SEMINAR_SCHEDULED,
        people=examiners,
        subject=subject,
        body=_(
            "Anda menguji seminar proyek perubahan %(cohort)s pada %(when)s di %(room)s: %(names)s."
        )
        % params,
        path=reverse("projects:my_seminars"),
        cohort=seminar.cohort,
    )
