"""Follow-up after the training (LAN's *evaluasi pasca pelatihan*, issue 18).

At FOLLOW_UP_MONTHS after a project's seminar (3, 6 and 12 by default) a round opens: the
participant updates each medium- and long-term milestone (status, a short note, evidence) and
their mentor confirms the round. A daily job (projects.tasks) opens the rounds that are due,
once each, and tells the participant and the mentor (participants.notifications); staff follow
the answers per cohort and per theme.
"""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.scope import within_reach
from participants.models import Enrolment, NotificationKind
from participants.notifications import notify_each

from .models import ChangeProject, FollowUpAnswer, FollowUpRound, Milestone, State

# After the seminar: examined, or final. A participant who withdrew is not followed up.
FOLLOWED_STATES = (State.EXAMINED, State.FINAL)
FOLLOWED_TERMS = (Milestone.Term.MEDIUM, Milestone.Term.LONG)
DEFAULT_MONTHS = "3,6,12"

ERROR_CONFIRMED = gettext_lazy(
    "Tindak lanjut %(months)s bulan sudah dikonfirmasi mentor; isiannya tidak dapat diubah lagi."
)
ERROR_NOT_ANSWERED = gettext_lazy("Peserta belum mengisi tindak lanjut %(months)s bulan.")
ERROR_ALREADY_CONFIRMED = gettext_lazy("Tindak lanjut %(months)s bulan sudah dikonfirmasi.")


def follow_up_months():
    """The months after the seminar at which a round opens, from FOLLOW_UP_MONTHS ("3,6,12"
    or a list), read at call time so that tests and deployments may change it."""
    value = getattr(settings, "FOLLOW_UP_MONTHS", DEFAULT_MONTHS)
    if isinstance(value, str):
        value = [part for part in value.replace(" ", "").split(",") if part]
    return sorted({int(month) for month in value if int(month) > 0})


def months_after(day, months):
    """The same day `months` later; the month's last day when it is shorter (31 Aug + 6 =
    28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def seminar_day(project):
    """The day of the project's (last) seminar; the cohort's last day when none is recorded
    (a project examined on paper). `project.seminar_at` comes from follow_up_candidates."""
    if project.seminar_at is not None:
        return timezone.localtime(project.seminar_at).date()
    return project.enrolment.cohort.end_date


def follow_up_candidates():
    """The projects followed up: after the seminar, with a medium- or long-term milestone,
    the participant not withdrawn; each with `seminar_at` and `rounds` (how many opened).
    One query."""
    followed_milestones = Milestone.objects.filter(project=OuterRef("pk"), term__in=FOLLOWED_TERMS)
    return (
        ChangeProject.objects.filter(state__in=FOLLOWED_STATES)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .filter(Exists(followed_milestones))
        .annotate(
            seminar_at=Max("enrolment__seminars__starts_at"),
            rounds=Count("follow_up_rounds", distinct=True),
        )
        .select_related(
            "enrolment__cohort__program",
            "enrolment__participant__user",
            "enrolment__mentor__user",
        )
    )


def follow_up_rounds_open(*, today=None):
    """Open every round that is due by `today` and not opened yet, and tell each participant
    and mentor once (the notification's key is the project and the month). Run twice, it
    opens and tells nothing more. A few queries, and a few more per cohort told. Returns the
    rounds opened."""
    today = today or timezone.localdate()
    months = follow_up_months()
    if not months:
        return []
    projects = list(follow_up_candidates().filter(rounds__lt=len(months)))
    opened = set(
        FollowUpRound.objects.filter(project__in=[p.pk for p in projects]).values_list(
            "project_id", "months"
        )
    )
    new = []
    for project in projects:
        held = seminar_day(project)
        for month in months:
            due = months_after(held, month)
            if due <= today and (project.pk, month) not in opened:
                new.append((project, FollowUpRound(project=project, months=month, due_on=due)))
    if not new:
        return []
    with transaction.atomic():
        # Two runs at once: the second one's rows are dropped by the unique constraint, and
        # its notifications by their keys.
        FollowUpRound.objects.bulk_create([r for _p, r in new], ignore_conflicts=True)
        _tell_opened(new)
    return [r for _p, r in new]


def _tell_opened(new):
    """One notify per cohort, so that those without an e-mail address are listed on their
    cohort's page for staff (participants.notifications): a few queries per cohort."""
    mine, queue = reverse("projects:follow_up_mine"), reverse("projects:follow_up_queue")
    by_cohort = {}
    for project, round_ in new:
        enrolment = project.enrolment
        entries = by_cohort.setdefault(enrolment.cohort, [])
        key = f"follow_up:{project.pk}:{round_.months}"
        values = {"months": round_.months, "title": project.title or enrolment.cohort}
        entries.append((
            enrolment.participant, mine, key,
            _("Sudah %(months)s bulan sejak seminar proyek “%(title)s”. Perbarui tonggak jangka "
              "menengah dan panjang beserta buktinya.") % values,
        ))  # fmt: skip
        if enrolment.mentor_id:
            entries.append((
                enrolment.mentor, queue, key,
                _("Tindak lanjut %(months)s bulan proyek “%(title)s” (%(name)s) dibuka; "
                  "mohon konfirmasi setelah peserta mengisinya.")
                % {**values, "name": enrolment.participant.name},
            ))  # fmt: skip
    for cohort, entries in by_cohort.items():
        notify_each(
            kind=NotificationKind.EVALUATION_DUE,
            entries=entries,
            subject=_("Tindak lanjut proyek perubahan"),
            body="",
            cohort=cohort,
        )


def followed_milestones(project):
    return [m for m in project.milestones.all() if m.term in FOLLOWED_TERMS]


@transaction.atomic
def follow_up_answer_save(*, round_, user, rows):
    """Keep the participant's answers of a round: `rows` are (milestone, cleaned data) with
    status, note, link, and a file already checked by content (projects.documents) with its
    extension. A round the mentor confirmed is not changed any more. Evidence not sent again
    is kept."""
    round_ = FollowUpRound.objects.select_for_update().get(pk=round_.pk)
    if round_.confirmed_at is not None:
        raise ValidationError(ERROR_CONFIRMED, params={"months": round_.months})
    existing = {a.milestone_id: a for a in round_.answers.all()}
    for milestone, data in rows:
        answer = existing.get(milestone.pk) or FollowUpAnswer(round=round_, milestone=milestone)
        answer.status, answer.note = data["status"], data["note"]
        answer.link = data["link"]
        upload = data.get("file")
        if upload:
            answer.original_name, answer.extension = upload.name[:255], data["extension"]
            name = f"bukti-{round_.months}bln-{milestone.pk}.{data['extension']}"
            answer.file.save(name, upload, save=False)
        answer.save()
    round_.answered_at, round_.answered_by = timezone.now(), user
    round_.save(update_fields=["answered_at", "answered_by"])
    project = round_.project
    mentor = project.enrolment.mentor
    if mentor is not None:
        notify_each(
            kind=NotificationKind.EVALUATION_DUE,
            entries=[
                (
                    mentor,
                    reverse("projects:follow_up_round", args=[round_.pk]),
                    f"follow_up_answered:{round_.pk}",
                )
            ],  # fmt: skip
            subject=_("Tindak lanjut proyek menunggu konfirmasi Anda"),
            cohort=project.enrolment.cohort,
            body=_("%(name)s sudah mengisi tindak lanjut %(months)s bulan proyeknya.")
            % {"name": project.enrolment.participant.name, "months": round_.months},
        )
    return round_


@transaction.atomic
def follow_up_confirm(*, round_, user, note=""):
    """The mentor confirms a round the participant answered."""
    round_ = FollowUpRound.objects.select_for_update().get(pk=round_.pk)
    if round_.answered_at is None:
        raise ValidationError(ERROR_NOT_ANSWERED, params={"months": round_.months})
    if round_.confirmed_at is not None:
        raise ValidationError(ERROR_ALREADY_CONFIRMED, params={"months": round_.months})
    round_.confirmed_at, round_.confirmed_by, round_.mentor_note = timezone.now(), user, note
    round_.save(update_fields=["confirmed_at", "confirmed_by", "mentor_note"])
    return round_


# Reads.

ROUND_RELATED = (
    "project__theme",
    "project__enrolment__participant",
    "project__enrolment__mentor",
    "project__enrolment__cohort__program",
)


def rounds_of_participant(participant):
    """A participant's rounds, latest project and earliest month first."""
    return (
        FollowUpRound.objects.filter(project__enrolment__participant=participant)
        .select_related(*ROUND_RELATED)
        .order_by("-project__enrolment__cohort__start_date", "months")
    )


def rounds_of_mentor(user):
    """The rounds of a mentor's participants: those waiting for the mentor's confirmation
    first, then those the participant has yet to answer, then the confirmed ones."""
    return (
        FollowUpRound.objects.filter(project__enrolment__mentor__user=user)
        .select_related(*ROUND_RELATED)
        .order_by(
            "confirmed_at",
            "-answered_at",
            "-due_on",
            "project__enrolment__participant__name",
            "pk",
        )
    )


def _counts():
    status = FollowUpAnswer.Status
    return {
        "due": Count("pk", distinct=True),
        "answered": Count("pk", distinct=True, filter=Q(answered_at__isnull=False)),
        "confirmed": Count("pk", distinct=True, filter=Q(confirmed_at__isnull=False)),
        **{
            f"status_{value}": Count("answers", filter=Q(answers__status=value))
            for value in status.values
        },
    }


def follow_up_by_cohort(user):
    """Per cohort the user works on: rounds due, answered and confirmed, and the milestone
    statuses answered, counted in SQL (one query, paged by the caller)."""
    return (
        within_reach(FollowUpRound.objects.all(), user, cohort="project__enrolment__cohort")
        .values(
            "project__enrolment__cohort",
            "project__enrolment__cohort__program__name",
            "project__enrolment__cohort__angkatan",
            "project__enrolment__cohort__year",
        )
        .annotate(**_counts())
        .order_by(
            "-project__enrolment__cohort__year",
            "-project__enrolment__cohort__angkatan",
            "project__enrolment__cohort",
        )
    )


def follow_up_by_theme(user):
    """The same counts per project theme, over the cohorts the user works on."""
    return (
        within_reach(FollowUpRound.objects.all(), user, cohort="project__enrolment__cohort")
        .values("project__theme__name")
        .annotate(**_counts())
        .order_by("project__theme__name")
    )
