"""Participants evaluate their speakers and the organiser (evaluasi pengajar, evaluasi
penyelenggaraan; issue 16).

After each campus day (a date with sessions in a classical phase) and at the end of each phase
a participant answers a short questionnaire once: each speaker of that day or phase on the
program's speaker criteria, the organiser on its organiser criteria, and a comment on each.

Anonymous by construction (docs/decisions.md): `EvaluationSubmission` records who answered which
questionnaire, for the response rate and the reminders; the ratings and comments go, in the same
transaction, to tables with no link to the participant, random keys and no time of answer.
Speakers and staff see only aggregates, and only of a questionnaire's speaker (or organiser)
that at least `MIN_RESPONDENTS` participants rated: a group below it counts nowhere, so no
average ever rests on fewer than five people.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import ClassSession, Cohort, CohortPhase, Speaker
from curriculum.models import EVALUATION_LEVELS, EvaluationCriterion, EvaluationScale, PhaseKind
from curriculum.services import evaluation_criteria_ensure

from .models import (
    Enrolment,
    EvaluationAnswer,
    EvaluationComment,
    EvaluationSubmission,
    NotificationKind,
)
from .notifications import notify

# Below this many answers a group's ratings and comments are shown to no one: with fewer,
# a speaker or staff member could guess who wrote what.
MIN_RESPONDENTS = 5

Target = EvaluationCriterion.Target
ERROR_ALREADY_ANSWERED = gettext_lazy(
    "Anda sudah mengisi evaluasi ini. Terima kasih; jawaban hanya dapat dikirim sekali."
)
ERROR_MISSING = gettext_lazy("Beri nilai untuk setiap kriteria.")
ERROR_VALUE = gettext_lazy("Nilai harus antara 1 dan 100.")
NOT_ENOUGH = gettext_lazy("Belum cukup jawaban (minimal 5)")

# The distribution chart's bands, on the 1-100 scale (the four levels fall one in each).
BANDS = [
    (81, 100, EVALUATION_LEVELS[0][1]),
    (61, 80, EVALUATION_LEVELS[1][1]),
    (41, 60, EVALUATION_LEVELS[2][1]),
    (1, 40, EVALUATION_LEVELS[3][1]),
]


@dataclass(frozen=True)
class Teacher:
    """Who is rated: a widyaiswara, a register speaker, or (both None) the organiser."""

    widyaiswara_id: int | None = None
    speaker_id: int | None = None
    name: str = ""

    @property
    def key(self):
        if self.widyaiswara_id:
            return f"w{self.widyaiswara_id}"
        if self.speaker_id:
            return f"s{self.speaker_id}"
        return "org"

    @property
    def is_organiser(self):
        return not (self.widyaiswara_id or self.speaker_id)


@dataclass
class Questionnaire:
    key: str  # "hari-2026-11-02" or "tahap-12": part of URLs
    title: str
    held_on: object
    teachers: list = field(default_factory=list)


def _teacher_of(session):
    if session.speaker_id:
        return Teacher(speaker_id=session.speaker_id, name=session.speaker.name)
    if session.widyaiswara_id:
        return Teacher(widyaiswara_id=session.widyaiswara_id, name=session.teacher_name)
    return None


def questionnaires_of(cohort, today):
    """The cohort's questionnaires open on `today` (from their day on), in date order: each
    campus day with sessions, then each phase that has ended. Two queries."""
    phases = list(CohortPhase.objects.filter(cohort=cohort).order_by("order"))
    sessions = ClassSession.objects.filter(phase__cohort=cohort).select_related(
        "widyaiswara", "speaker"
    )
    by_day, by_phase = defaultdict(list), defaultdict(list)
    kinds = {phase.pk: phase.kind for phase in phases}
    for session in sessions.order_by("date", "start_time"):
        teacher = _teacher_of(session)
        if kinds.get(session.phase_id) == PhaseKind.CLASSICAL:
            day = by_day[session.date]
            if teacher and teacher not in day:
                day.append(teacher)
        if teacher and teacher not in by_phase[session.phase_id]:
            by_phase[session.phase_id].append(teacher)
    found = [
        Questionnaire(
            key=f"hari-{day.isoformat()}",
            title=_("Hari %(date)s") % {"date": formats.date_format(day, "l, j F Y")},
            held_on=day,
            teachers=teachers,
        )
        for day, teachers in by_day.items()
        if day <= today
    ]
    found += [
        Questionnaire(
            key=f"tahap-{phase.pk}",
            title=_("Akhir tahap %(name)s") % {"name": phase.name},
            held_on=phase.end_date,
            teachers=by_phase[phase.pk],
        )
        for phase in phases
        if phase.end_date <= today
    ]
    return sorted(found, key=lambda q: (q.held_on, q.key.startswith("tahap")))


def questionnaire_of(cohort, key, today):
    return next((q for q in questionnaires_of(cohort, today) if q.key == key), None)


def evaluations_waiting(enrolments, today):
    """The questionnaires each enrolment has not answered yet, as (enrolment, questionnaire),
    for "Evaluasi yang menunggu". Three queries per cohort followed (one or two)."""
    answered = set(
        EvaluationSubmission.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "questionnaire"
        )
    )
    waiting = []
    for enrolment in enrolments:
        for questionnaire in questionnaires_of(enrolment.cohort, today):
            if (enrolment.pk, questionnaire.key) not in answered:
                waiting.append((enrolment, questionnaire))
    return waiting


def scale_choices(program):
    """The choices of the program's scale, or None for a number from 1 to 100."""
    if program.evaluation_scale == EvaluationScale.FOUR_LEVELS:
        return [(value, str(label)) for value, label in EVALUATION_LEVELS]
    return None


def evaluation_submit(*, enrolment, questionnaire, ratings, comments):
    """Record a participant's answers to one questionnaire: that they answered, and (with no
    link to them) the ratings `ratings` {(teacher key, criterion id): value} and the comments
    {teacher key: text}. Every teacher (and the organiser) is rated on every criterion of
    their target. Refused when they answered it already."""
    criteria = evaluation_criteria_ensure(program=enrolment.cohort.program)
    allowed = scale_choices(enrolment.cohort.program)
    targets = [*questionnaire.teachers, Teacher()]
    answers, notes = [], []
    for teacher in targets:
        target = Target.ORGANISER if teacher.is_organiser else Target.SPEAKER
        where = {
            "cohort_id": enrolment.cohort_id,
            "questionnaire": questionnaire.key,
            "held_on": questionnaire.held_on,
            "widyaiswara_id": teacher.widyaiswara_id,
            "speaker_id": teacher.speaker_id,
        }
        for criterion in (c for c in criteria if c.target == target):
            value = ratings.get((teacher.key, criterion.pk))
            if value is None:
                raise ValidationError(ERROR_MISSING)
            if not 1 <= int(value) <= 100 or (allowed and int(value) not in dict(allowed)):
                raise ValidationError(ERROR_VALUE)
            answers.append(EvaluationAnswer(criterion=criterion, value=int(value), **where))
        text = (comments.get(teacher.key) or "").strip()
        if text:
            notes.append(EvaluationComment(text=text, **where))
    try:
        with transaction.atomic():
            EvaluationSubmission.objects.create(
                enrolment=enrolment, questionnaire=questionnaire.key
            )
            EvaluationAnswer.objects.bulk_create(answers)
            EvaluationComment.objects.bulk_create(notes)
    except IntegrityError as error:
        raise ValidationError(ERROR_ALREADY_ANSWERED) from error


def evaluation_answered(enrolment, key):
    return EvaluationSubmission.objects.filter(enrolment=enrolment, questionnaire=key).exists()


def enrolled_in(cohort):
    """Who is asked: the cohort's participants, withdrawn ones aside."""
    return Enrolment.objects.filter(cohort=cohort).exclude(status=Enrolment.Status.WITHDRAWN)


# Aggregates -------------------------------------------------------------------------------


def _rounded(total, count):
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _band():
    return Case(
        *[When(value__gte=low, value__lte=high, then=Value(i)) for i, (low, high, _l) in
          enumerate(BANDS)],
        output_field=IntegerField(),
    )  # fmt: skip


@dataclass
class TargetResult:
    """The aggregate of one speaker (or the organiser) over the groups of at least five."""

    teacher: Teacher
    respondents: int = 0  # summed over the questionnaires that count
    criteria: list = field(default_factory=list)  # (label, average, answers)
    average: Decimal | None = None
    distribution: list = field(default_factory=list)  # (label, count)
    comments: list = field(default_factory=list)

    @property
    def shown(self):
        return self.respondents >= MIN_RESPONDENTS


def _grouped(answers):
    """The sums of `answers` per (cohort, questionnaire, speaker or organiser) and criterion,
    with each group's respondents and the groups rated by at least five (`counted`): one
    query. A group below five counts nowhere."""
    rows = list(
        answers.values(
            "cohort_id", "questionnaire", "widyaiswara_id", "speaker_id", "criterion_id",
            "criterion__label", "criterion__target", "criterion__order",
        )
        .annotate(total=Sum("value"), answers=Count("id"))
        .order_by()
    )  # fmt: skip
    respondents = defaultdict(int)
    for row in rows:
        group = (row["cohort_id"], row["questionnaire"], row["widyaiswara_id"], row["speaker_id"])
        respondents[group] = max(respondents[group], row["answers"])
    counted = {group for group, n in respondents.items() if n >= MIN_RESPONDENTS}
    return rows, respondents, counted


def _aggregate(answers, comments=None):
    """Group `answers` by (cohort, questionnaire, speaker or organiser): the groups rated by at
    least five count, the others not at all. Returns {(cohort id, Teacher key-tuple):
    TargetResult}. Three queries (four with comments) whatever the number of answers."""
    rows, respondents, counted = _grouped(answers)
    sums = defaultdict(lambda: defaultdict(lambda: [0, 0, "", 0]))
    results = {}
    for (cohort_id, _q, w, s), n in respondents.items():
        target = (cohort_id, w, s)
        result = results.setdefault(target, TargetResult(teacher=Teacher(w, s)))
        if (cohort_id, _q, w, s) in counted:
            result.respondents += n
    for row in rows:
        group = (row["cohort_id"], row["questionnaire"], row["widyaiswara_id"], row["speaker_id"])
        if group not in counted:
            continue
        entry = sums[(row["cohort_id"], row["widyaiswara_id"], row["speaker_id"])][
            row["criterion__label"]
        ]
        entry[0] += row["total"]
        entry[1] += row["answers"]
        entry[3] = (row["criterion__target"], row["criterion__order"])
    for target, by_label in sums.items():
        result = results[target]
        ordered = sorted(by_label.items(), key=lambda item: item[1][3])
        result.criteria = [(label, _rounded(t, c), c) for label, (t, c, _x, _o) in ordered]
        result.average = _rounded(
            sum(t for t, *_r in by_label.values()), sum(c for _t, c, *_r in by_label.values())
        )
    bands = answers.annotate(band=_band()).values(
        "cohort_id", "questionnaire", "widyaiswara_id", "speaker_id", "band"
    ).annotate(n=Count("id")).order_by()  # fmt: skip
    counts = defaultdict(lambda: [0] * len(BANDS))
    for row in bands:
        group = (row["cohort_id"], row["questionnaire"], row["widyaiswara_id"], row["speaker_id"])
        if group in counted and row["band"] is not None:
            counts[(row["cohort_id"], row["widyaiswara_id"], row["speaker_id"])][row["band"]] += (
                row["n"]
            )
    for target, result in results.items():
        result.distribution = [
            (str(label), n) for (_l, _h, label), n in zip(BANDS, counts[target], strict=True)
        ]
    if comments is not None:
        for comment in comments.order_by("id"):  # random keys: not the order of answering
            group = (comment.cohort_id, comment.questionnaire, comment.widyaiswara_id,
                     comment.speaker_id)  # fmt: skip
            if group in counted:
                results[
                    (comment.cohort_id, comment.widyaiswara_id, comment.speaker_id)
                ].comments.append(comment.text)
    _name(results.values())
    return results


def _name(results):
    """Each result's speaker's name: two queries (users, register speakers)."""
    user_ids = {r.teacher.widyaiswara_id for r in results if r.teacher.widyaiswara_id}
    speaker_ids = {r.teacher.speaker_id for r in results if r.teacher.speaker_id}
    users, speakers = {}, {}
    if user_ids:
        for user in get_user_model().objects.filter(pk__in=user_ids):
            users[user.pk] = user.get_full_name() or user.username
    if speaker_ids:
        speakers = dict(Speaker.objects.filter(pk__in=speaker_ids).values_list("pk", "name"))
    for result in results:
        t = result.teacher
        name = (users.get(t.widyaiswara_id) if t.widyaiswara_id else speakers.get(t.speaker_id)
                if t.speaker_id else _("Penyelenggara"))  # fmt: skip
        result.teacher = Teacher(t.widyaiswara_id, t.speaker_id, name or "")


@dataclass
class QuestionnaireRate:
    questionnaire: Questionnaire
    answered: int
    enrolled: int

    @property
    def percent(self):
        return round(100 * self.answered / self.enrolled) if self.enrolled else 0

    @property
    def waiting(self):
        return self.enrolled - self.answered


@dataclass
class CohortEvaluation:
    rates: list
    speakers: list  # TargetResult, by name
    organiser: TargetResult
    enrolled: int


def cohort_evaluation(cohort, today):
    """The staff's results of a cohort: the response rate of each open questionnaire, the
    averages of each speaker and of the organiser, their distribution and comments, each
    from the groups of at least five. A constant number of queries (ten) whatever the
    number of participants, speakers and answers."""
    questionnaires = questionnaires_of(cohort, today)
    enrolled = enrolled_in(cohort).count()
    answered = dict(
        EvaluationSubmission.objects.filter(enrolment__in=enrolled_in(cohort))
        .values_list("questionnaire")
        .annotate(n=Count("id"))
        .order_by()
    )
    rates = [QuestionnaireRate(q, answered.get(q.key, 0), enrolled) for q in questionnaires]
    results = _aggregate(
        EvaluationAnswer.objects.filter(cohort=cohort),
        EvaluationComment.objects.filter(cohort=cohort),
    )
    organiser = results.pop((cohort.pk, None, None), None) or TargetResult(
        teacher=Teacher(name=_("Penyelenggara"))
    )
    # Speakers scheduled but not rated yet are listed too, as "not enough answers".
    for q in questionnaires:
        for t in q.teachers:
            results.setdefault((cohort.pk, t.widyaiswara_id, t.speaker_id), TargetResult(t))
    speakers = sorted(results.values(), key=lambda r: r.teacher.name)
    return CohortEvaluation(rates=rates, speakers=speakers, organiser=organiser, enrolled=enrolled)


def teacher_evaluations_by_cohort(*, widyaiswara):
    """A widyaiswara's own averages per cohort (groups of at least five only), newest cohort
    first, as (cohort, TargetResult). Four queries."""
    results = _aggregate(EvaluationAnswer.objects.filter(widyaiswara=widyaiswara))
    cohorts = Cohort.objects.in_bulk({cohort_id for cohort_id, _w, _s in results})
    found = [(cohorts[cohort_id], r) for (cohort_id, _w, _s), r in results.items()]
    return sorted(found, key=lambda item: item[0].start_date, reverse=True)


@dataclass
class TeacherAverages:
    criteria: list  # (label, average, answers), in the programs' criterion order
    average: Decimal | None
    answers: int  # respondents summed over the questionnaires that count


def teacher_evaluation_averages(*, widyaiswara=None, speaker=None, start=None, end=None):
    """For the widyaiswara ledger: a teacher's (a widyaiswara user's or a register speaker's)
    average per criterion over `start`..`end` (the campus day or phase end rated, both
    included), across every cohort and organiser, counting only the groups of at least five.
    Criteria of different programs with the same label are one. Three queries."""
    answers = EvaluationAnswer.objects.filter(widyaiswara=widyaiswara, speaker=speaker)
    if widyaiswara is None and speaker is None:
        answers = answers.none()
    if start:
        answers = answers.filter(held_on__gte=start)
    if end:
        answers = answers.filter(held_on__lte=end)
    results = _aggregate(answers)
    sums, order = defaultdict(lambda: [Decimal(0), 0]), {}
    respondents = 0
    for result in results.values():
        respondents += result.respondents
        for position, (label, average, count) in enumerate(result.criteria):
            sums[label][0] += average * count
            sums[label][1] += count
            order.setdefault(label, position)
    criteria = [
        (label, _rounded(t, c), c)
        for label, (t, c) in sorted(sums.items(), key=lambda i: order[i[0]])
    ]
    total = sum(t for t, _c in sums.values())
    count = sum(c for _t, c in sums.values())
    return TeacherAverages(criteria=criteria, average=_rounded(total, count), answers=respondents)


@dataclass
class CohortsAverages:
    """The evaluation averages over a set of cohorts: the speakers' (every widyaiswara and
    outside speaker together) and the organiser's, each a TeacherAverages."""

    speakers: TeacherAverages
    organiser: TeacherAverages

    @property
    def shown(self):
        return bool(self.speakers.answers or self.organiser.answers)

    @property
    def parts(self):
        """The two, speakers first, for a table."""
        return [("speakers", self.speakers), ("organiser", self.organiser)]


def _averages_of(rows, respondents, counted, *, organiser):
    """TeacherAverages of the counted groups of the speakers (organiser=False) or of the
    organiser: per criterion label (programs' criteria with the same label are one), overall,
    and the respondents summed over the groups."""
    sums, order = defaultdict(lambda: [0, 0]), {}
    for row in rows:
        group = (row["cohort_id"], row["questionnaire"], row["widyaiswara_id"], row["speaker_id"])
        is_organiser = not (row["widyaiswara_id"] or row["speaker_id"])
        if group not in counted or is_organiser != organiser:
            continue
        label = row["criterion__label"]
        sums[label][0] += row["total"]
        sums[label][1] += row["answers"]
        position = (row["criterion__target"], row["criterion__order"])
        order[label] = min(order.get(label, position), position)
    criteria = [
        (label, _rounded(t, c), c)
        for label, (t, c) in sorted(sums.items(), key=lambda i: (order[i[0]], i[0]))
    ]
    answers = sum(
        n for group, n in respondents.items()
        if group in counted and (not (group[2] or group[3])) == organiser
    )  # fmt: skip
    total = sum(t for t, _c in sums.values())
    count = sum(c for _t, c in sums.values())
    return TeacherAverages(criteria=criteria, average=_rounded(total, count), answers=answers)


def cohorts_evaluation_averages(cohorts):
    """For the head's dashboard: the averages of the speaker evaluations and of the organiser
    evaluations over `cohorts` (ids or a queryset), overall and per criterion, with the
    number of answers (respondents summed over the questionnaires that count). Only the
    groups (a cohort's questionnaire's speaker, or its organiser) rated by at least five
    count, as everywhere else. One query whatever the number of cohorts; none without
    cohorts."""
    cohorts = cohorts if hasattr(cohorts, "values") else list(cohorts)
    if isinstance(cohorts, list) and not cohorts:
        rows, respondents, counted = [], {}, set()
    else:
        rows, respondents, counted = _grouped(EvaluationAnswer.objects.filter(cohort__in=cohorts))
    return CohortsAverages(
        speakers=_averages_of(rows, respondents, counted, organiser=False),
        organiser=_averages_of(rows, respondents, counted, organiser=True),
    )


# Reminders --------------------------------------------------------------------------------


def evaluation_remind(*, cohort, questionnaire, today):
    """Tell the cohort's participants who have not answered `questionnaire` that it waits for
    them; each once a day however often staff click. Returns how many were told. Four
    queries whatever the number of participants."""
    waiting = list(
        enrolled_in(cohort)
        .exclude(evaluation_submissions__questionnaire=questionnaire.key)
        .select_related("participant__user")
    )
    path = reverse("participants:evaluation_form", args=[cohort.pk, questionnaire.key])
    rows = notify(
        kind=NotificationKind.EVALUATION_DUE,
        people=[e.participant for e in waiting],
        subject=_("Evaluasi menunggu Anda: %(title)s") % {"title": questionnaire.title},
        body=_(
            "Mohon isi evaluasi pengajar dan penyelenggaraan %(cohort)s untuk %(title)s. "
            "Jawaban Anda tanpa nama."
        )
        % {"cohort": cohort, "title": questionnaire.title},
        path=path,
        cohort=cohort,
        key=f"evaluasi-{cohort.pk}-{questionnaire.key}-{today.isoformat()}",
    )
    return len(rows)
