"""Scores due: the morning after a seminar, each scorer whose sheet for one of its projects is
not submitted yet is told which participants wait for them (participants.notifications).

Run by a daily job (projects.tasks); a seminar's scorers are told once, however often the job
runs, and not at all once the cohort's grades are closed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import NotificationKind
from participants.notifications import notify_each

from .models import ScoreSheet, ScoringRole, Seminar, State

# Seminars held this many days back are still reminded of (a job missed for a day or two
# catches up); the key keeps each reminder to once.
LOOK_BACK_DAYS = 7
WAITING = (State.SEMINAR_SCHEDULED, State.EXAMINED)


def scores_due_notify(*, today=None):
    """Tell each coach, mentor and examiner of the seminars held before today (within
    LOOK_BACK_DAYS) whose score sheet is still missing. Returns how many were told."""
    today = today or timezone.localdate()
    seminars = list(
        Seminar.objects.filter(
            starts_at__date__lt=today,
            starts_at__date__gte=today - timedelta(days=LOOK_BACK_DAYS),
            cohort__grades_closed_at__isnull=True,
        )
        .select_related("cohort__program")
        .prefetch_related(
            "examiners",
            "enrolments__participant",
            "enrolments__coach",
            "enrolments__mentor__user",
            "enrolments__project",
            "cohort__program__rubrics",
        )
    )
    enrolments = [e for s in seminars for e in s.enrolments.all()]
    submitted = set(
        ScoreSheet.objects.filter(
            project__enrolment__in=enrolments, submitted_at__isnull=False
        ).values_list("project_id", "role", "scorer_id")
    )
    scored_by_role = {(project, role) for project, role, _scorer in submitted}
    weights = {}
    entries = []
    for seminar in seminars:
        program = seminar.cohort.program
        if program.pk not in weights:
            weights[program.pk] = {r.role for r in program.rubrics.all() if r.weight > 0} or set(
                ScoringRole.values
            )
        roles = weights[program.pk]
        waiting = {}  # a person (user or mentor) -> the participants waiting for their scores
        for enrolment in seminar.enrolments.all():
            project = getattr(enrolment, "project", None)
            if project is None or project.state not in WAITING:
                continue
            name = enrolment.participant.name
            supervisors = ((ScoringRole.COACH, enrolment.coach),
                           (ScoringRole.MENTOR, enrolment.mentor))  # fmt: skip
            for role, person in supervisors:
                if role in roles and person and (project.pk, role) not in scored_by_role:
                    waiting.setdefault(person, []).append(name)
            if ScoringRole.EXAMINER in roles:
                for examiner in seminar.examiners.all():
                    if (project.pk, ScoringRole.EXAMINER, examiner.pk) not in submitted:
                        waiting.setdefault(examiner, []).append(name)
        for person, names in waiting.items():
            body = _(
                "Seminar %(cohort)s sudah berlangsung. Nilai Anda masih ditunggu untuk: %(names)s."
            ) % {"cohort": seminar.cohort, "names": ", ".join(names)}
            entries.append((person, reverse("projects:queue"), f"scores:{seminar.pk}", body))
    return len(
        notify_each(
            kind=NotificationKind.SCORES_DUE,
            entries=entries,
            subject=_("Nilai proyek perubahan menunggu Anda"),
            body="",
        )
    )
