"""Rubrics, score sheets and the project score.

Coach, mentor and examiner each score a project on their program's rubric: weighted
criteria, 0-100 each. A sheet's score is the weighted mean of its criteria; the examiner
score is the mean of the examiners' sheets; the project score is the role scores weighted by
the program's role weights. Every value is a Decimal rounded half up to two places.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from curriculum.models import Program

from .closing import grades_open_check
from .grading import score_round
from .models import (
    SCORING_STATES,
    ChangeProject,
    Criterion,
    CriterionScore,
    Rubric,
    ScoreSheet,
    ScoringRole,
    Seminar,
)

# The defaults an agency starts from (DOMAIN: the seminar scores achievement, usefulness and
# communication); each agency adjusts them on the program's rubric page.
DEFAULT_RUBRICS = {
    ScoringRole.COACH: (
        Decimal(40),
        [
            ("Kualitas rancangan", "Masalah, gagasan, dan tonggak yang jelas dan terukur", 30),
            ("Konsistensi pelaksanaan", "Kegiatan berjalan sesuai rancangan dan bimbingan", 40),
            ("Kualitas laporan", "Laporan lengkap dengan bukti kegiatan", 30),
        ],
    ),
    ScoringRole.MENTOR: (
        Decimal(20),
        [
            ("Dukungan bagi tujuan organisasi", "Hasil proyek berguna bagi unit kerja", 50),
            ("Sikap dan kerja sama", "Kerja sama dengan tim efektif dan pemangku", 50),
        ],
    ),
    ScoringRole.EXAMINER: (
        Decimal(40),
        [
            ("Capaian", "Tonggak jangka pendek tercapai dengan bukti", 40),
            ("Kebermanfaatan", "Manfaat bagi pelayanan dan pemangku kepentingan", 30),
            ("Komunikasi", "Penyajian dan jawaban dalam seminar", 30),
        ],
    ),
}
ERROR_ROLE_WEIGHTS = _(
    "Bobot coach, mentor, dan penguji harus berjumlah 100%% (sekarang %(total)s%%)."
)
ERROR_CRITERIA_WEIGHTS = _(
    "Bobot kriteria rubrik %(role)s harus berjumlah 100%% (sekarang %(total)s%%)."
)
ERROR_RUBRICS_USED = _(
    "Rubrik program ini sudah dipakai untuk menilai: kriteria dan bobotnya tidak dapat diubah lagi."
)
ERROR_NO_RUBRIC = _("Program ini belum memiliki rubrik %(role)s.")
ERROR_STATE = _("Nilai %(role)s belum dapat diisi: proyek sedang pada tahap “%(state)s”.")
ERROR_MISSING = _("Isi nilai setiap kriteria (0-100).")
ERROR_RANGE = _("Nilai kriteria harus antara 0 dan 100.")
ERROR_REASON = _("Nilai ini sudah dikirim: tuliskan alasan perubahannya.")
ERROR_CONFLICT = _(
    "Nilai ini baru saja disimpan oleh %(who)s pada %(when)s, setelah formulir Anda dibuka. "
    "Nilai terbaru: %(values)s. Tidak ada yang ditimpa; muat ulang formulir untuk mengubahnya."
)
ERROR_CERTIFIED = _("Nilai tidak dapat diubah: sertifikat peserta ini sudah terbit (%(number)s).")
MISSING_RUBRIC = _("rubrik belum ditetapkan")


@transaction.atomic
def rubrics_default(program):
    """Give a program the default rubrics if it has none. The program row is locked first
    (as rubrics_save locks it), so two pages opened at once on a new program create them
    once."""
    Program.objects.select_for_update().filter(pk=program.pk).first()
    if Rubric.objects.filter(program=program).exists():
        return
    for role, (weight, criteria) in DEFAULT_RUBRICS.items():
        rubric = Rubric.objects.create(program=program, role=role, weight=weight)
        Criterion.objects.bulk_create(
            Criterion(rubric=rubric, order=i, name=name, description=text, weight=w)
            for i, (name, text, w) in enumerate(criteria, start=1)
        )


def rubrics_of(program):
    """The program's rubrics keyed by role, each with its `criteria` list (two queries). A
    program that has none yet gets the default rubrics here, the first time anyone needs
    them (scoring, a seminar, the rubric page), so its projects can be scored at once."""
    rubrics = {r.role: r for r in Rubric.objects.filter(program=program)}
    if not rubrics:
        rubrics_default(program)
        rubrics = {r.role: r for r in Rubric.objects.filter(program=program)}
    for rubric in rubrics.values():
        rubric.criteria_list = []
    for criterion in Criterion.objects.filter(rubric__program=program).order_by("order", "pk"):
        for rubric in rubrics.values():
            if rubric.pk == criterion.rubric_id:
                rubric.criteria_list.append(criterion)
    return rubrics


def rubrics_used(program):
    return CriterionScore.objects.filter(criterion__rubric__program=program).exists()


def rubrics_check(role_weights, criteria):
    """`role_weights` maps a role to its weight; `criteria` maps a role to its criteria's
    weights. Raises the first rule broken."""
    total = sum(role_weights.values(), Decimal(0))
    if total != 100:
        raise ValidationError(ERROR_ROLE_WEIGHTS, params={"total": formats.number_format(total)})
    for role, weight in role_weights.items():
        weights = criteria.get(role, [])
        subtotal = sum(weights, Decimal(0))
        if (weight > 0 or weights) and subtotal != 100:
            raise ValidationError(
                ERROR_CRITERIA_WEIGHTS,
                params={"role": ScoringRole(role).label, "total": formats.number_format(subtotal)},
            )


@transaction.atomic
def rubrics_save(*, program, role_weights, criteria):
    """Replace the program's rubrics. `criteria` maps a role to a list of
    (name, description, weight). Refused once any project was scored on them."""
    # The lock sheet_save takes too: no first score slips in while the criteria change.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    if rubrics_used(program):
        raise ValidationError(ERROR_RUBRICS_USED)
    rubrics_check(
        role_weights, {role: [w for _n, _d, w in rows] for role, rows in criteria.items()}
    )
    Criterion.objects.filter(rubric__program=program).delete()
    for role, weight in role_weights.items():
        rubric, _created = Rubric.objects.update_or_create(
            program=program, role=role, defaults={"weight": weight}
        )
        Criterion.objects.bulk_create(
            Criterion(rubric=rubric, order=i, name=name, description=text, weight=w)
            for i, (name, text, w) in enumerate(criteria.get(role, []), start=1)
        )


def sheet_score(criteria, values):
    """The weighted mean of one sheet; `values` maps a criterion id to its score."""
    total = sum((Decimal(c.weight) * Decimal(values[c.pk]) for c in criteria), Decimal(0))
    return score_round(total / 100)


@dataclass
class ProjectScore:
    score: Decimal | None
    roles: dict = field(default_factory=dict)  # role -> score or None
    missing: list = field(default_factory=list)


def current_scorers(project):
    """Whose sheets count, by role: the enrolment's coach and mentor as they are now, and the
    examiners of the participant's seminars. A coach replaced mid-way no longer counts."""
    enrolment = project.enrolment
    examiners = set(
        Seminar.examiners.through.objects.filter(seminar__enrolments=enrolment).values_list(
            "user_id", flat=True
        )
    )
    mentor_user = enrolment.mentor.user_id if enrolment.mentor_id else None
    return {
        ScoringRole.COACH: {enrolment.coach_id} - {None},
        ScoringRole.MENTOR: {mentor_user} - {None},
        ScoringRole.EXAMINER: examiners,
    }


def project_score_of(project, *, rubrics=None, sheets=None, scorers=None):
    """The project score from the submitted sheets of its current scorers, or None with what
    is missing."""
    if rubrics is None:
        rubrics = rubrics_of(project.enrolment.cohort.program)
    if sheets is None:
        sheets = list(project.sheets.filter(submitted_at__isnull=False))
    scorers = scorers if scorers is not None else current_scorers(project)
    if not rubrics:
        return ProjectScore(None, {}, [str(MISSING_RUBRIC)])
    result = ProjectScore(None)
    total = Decimal(0)
    for role in (ScoringRole.COACH, ScoringRole.MENTOR, ScoringRole.EXAMINER):
        rubric = rubrics.get(role)
        if rubric is None or rubric.weight == 0:
            continue
        scores = [
            s.score
            for s in sheets
            if s.role == role and s.score is not None and s.scorer_id in scorers[role]
        ]
        # Every current scorer of the role: all the participant's examiners, averaged.
        if not scores or len(scores) < len(scorers[role]):
            result.roles[role] = None
            result.missing.append(str(ScoringRole(role).label))
            continue
        role_score = score_round(sum(scores, Decimal(0)) / len(scores))
        result.roles[role] = role_score
        total += Decimal(rubric.weight) * role_score
    if not result.missing:
        result.score = score_round(total / 100)
    return result


def project_score_refresh(project, rubrics=None):
    score = project_score_of(project, rubrics=rubrics).score
    if project.final_score != score:
        project.final_score = score
        project.scored_at = timezone.now()
        project.save(update_fields=["final_score", "scored_at"])
    return score


def _values_text(sheet):
    return "; ".join(
        f"{s.criterion.name} {formats.localize(s.score)}"
        for s in sheet.scores.select_related("criterion").order_by("criterion__order")
    )


@transaction.atomic
def sheet_save(*, project, role, scorer, values, version, reason="", entered_by=None, paper=None):
    """Save `scorer`'s rubric for `project` as `role`: `values` maps a criterion id to
    (score, comment). `version` is the sheet's version when the form was loaded (0 for a new
    sheet); a sheet saved since is refused with its newer values. The first save submits the
    sheet; any later change needs a `reason`, kept in the history of each criterion.

    `entered_by` and `paper`: staff entering the sheet on the scorer's behalf from a signed
    paper form (projects.paper); the history names them, the sheet keeps the form."""
    # Locks in one order everywhere: program (its rubrics), cohort (closing), project (the
    # certificate job takes that one before it reads the project score).
    cohort = Cohort.objects.get(enrolments__project=project)
    Program.objects.select_for_update().filter(pk=cohort.program_id).first()
    grades_open_check(cohort)
    project = (
        ChangeProject.objects.select_for_update(of=("self",))
        .select_related("enrolment__cohort__program", "enrolment__certificate")
        .get(pk=project.pk)
    )
    certificate = getattr(project.enrolment, "certificate", None)
    if certificate is not None and certificate.status == certificate.Status.VALID:
        raise ValidationError(ERROR_CERTIFIED, params={"number": certificate.number})
    if project.state not in SCORING_STATES[role]:
        raise ValidationError(
            ERROR_STATE,
            params={"role": ScoringRole(role).label, "state": project.get_state_display()},
        )
    rubric = rubrics_of(project.enrolment.cohort.program).get(role)
    if rubric is None:
        raise ValidationError(ERROR_NO_RUBRIC, params={"role": ScoringRole(role).label})
    criteria = rubric.criteria_list
    if any(c.pk not in values or values[c.pk][0] is None for c in criteria):
        raise ValidationError(ERROR_MISSING)
    scores = {pk: score_round(score) for pk, (score, _comment) in values.items()}
    if any(not Decimal(0) <= scores[c.pk] <= Decimal(100) for c in criteria):
        raise ValidationError(ERROR_RANGE)

    sheet = (
        ScoreSheet.objects.select_for_update()
        .filter(project=project, role=role, scorer=scorer)
        .first()
    )
    if sheet is not None and sheet.version != version:
        raise ValidationError(
            ERROR_CONFLICT,
            params={
                "who": sheet.scorer.get_full_name() or sheet.scorer.username,
                "when": formats.date_format(
                    timezone.localtime(sheet.updated_at), "DATETIME_FORMAT"
                ),
                "values": _values_text(sheet),
            },
        )
    if sheet is None:
        sheet = ScoreSheet.objects.create(project=project, role=role, scorer=scorer)
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    changed = [c for c in criteria if c.pk in existing and existing[c.pk].score != scores[c.pk]]
    reason = (reason or "").strip()
    if sheet.submitted_at and changed and not reason:
        raise ValidationError(ERROR_REASON)
    for criterion in criteria:
        score, comment = scores[criterion.pk], (values[criterion.pk][1] or "").strip()
        record = existing.get(criterion.pk)
        if record and record.score == score:
            if record.comment != comment:
                # A comment alone is not a score change: no history entry.
                CriterionScore.objects.filter(pk=record.pk).update(comment=comment)
            continue
        record = record or CriterionScore(sheet=sheet, criterion=criterion)
        record.score, record.comment = score, comment
        record._history_user = entered_by or scorer
        record._change_reason = reason if sheet.submitted_at else str(_("Nilai pertama"))
        record.save()
    sheet.score = sheet_score(criteria, scores)
    sheet.version += 1
    sheet.submitted_at = sheet.submitted_at or timezone.now()
    sheet.paper = paper  # a scorer's own save leaves no paper form behind it
    sheet.save()
    project_score_refresh(project)
    return sheet
