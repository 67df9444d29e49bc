"""The staff gradebook: every component of every participant's final score."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cohorts.models import Certificate
from participants.models import Enrolment

from .grading import Band, default_bands, final_score_of, score_round
from .models import ComponentScore, PredicateBand, ScoreComponent

ERROR_WEIGHTS = _("Bobot komponen nilai akhir harus berjumlah 100%% (sekarang %(total)s%%).")
ERROR_RANGE = _("Nilai harus antara 0 dan 100.")
ERROR_BANDS = _(
    "Rentang predikat harus memiliki rentang terbawah mulai 0 yang tidak lulus, paling "
    "sedikit satu rentang lulus, dan rentang di atas rentang lulus juga lulus."
)
ERROR_CERTIFIED_PROGRAM = _(
    "Sertifikat program ini sudah terbit: komponen nilai dan rentang predikatnya tidak "
    "dapat diubah lagi."
)
ERROR_CERTIFIED = _("Nilai %(name)s tidak dapat diubah: sertifikatnya sudah terbit (%(number)s).")


def components_of(program):
    return list(ScoreComponent.objects.filter(program=program).order_by("order", "pk"))


def bands_of(program):
    """The program's predicate bands, highest first, the lowest open-ended; or the defaults."""
    bands = [
        Band(b.floor, b.name, b.passes)
        for b in PredicateBand.objects.filter(program=program).order_by("-floor")
    ]
    if not bands:
        return default_bands()
    lowest = bands[-1]
    return [*bands[:-1], Band(None, lowest.name, lowest.passes)]


def components_check(components):
    total = sum((Decimal(c.weight) for c in components), Decimal(0))
    if components and total != 100:
        raise ValidationError(ERROR_WEIGHTS, params={"total": total})


def bands_check(bands):
    """`bands` as (floor, passes) pairs: an open lowest band at 0 that fails, at least one
    passing band, and no failing band above a passing one."""
    ordered = sorted(bands, key=lambda band: band[0])
    if not ordered:
        return
    if ordered[0][0] != 0 or ordered[0][1] or not any(passes for _f, passes in ordered):
        raise ValidationError(ERROR_BANDS)
    first_pass = next(i for i, (_f, passes) in enumerate(ordered) if passes)
    if not all(passes for _f, passes in ordered[first_pass:]):
        raise ValidationError(ERROR_BANDS)


def program_certified(program):
    return Certificate.objects.filter(
        enrolment__cohort__program=program, status=Certificate.Status.VALID
    ).exists()


def _finals(cohort):
    """The program's components, and every enrolment (participant, project, group and
    certificate joined) with its `entered` component scores and `final` score: five queries
    whatever the cohort size."""
    components = components_of(cohort.program)
    bands = bands_of(cohort.program)
    entered = {}
    for score in ComponentScore.objects.filter(enrolment__cohort=cohort):
        entered.setdefault(score.enrolment_id, {})[score.component_id] = score.score
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("participant__agency", "project", "group", "certificate")
        .order_by("participant__name", "pk")
    )
    for enrolment in enrolments:
        project = getattr(enrolment, "project", None)
        enrolment.entered = entered.get(enrolment.pk, {})
        enrolment.final = final_score_of(
            components=components,
            entered=enrolment.entered,
            project_score=project.final_score if project else None,
            bands=bands,
        )
    return components, enrolments


def cohort_finals(cohort):
    """Every enrolment of the cohort with its `final` score."""
    return _finals(cohort)[1]


def gradebook_rows(cohort):
    """The program's components and one row per participant for the gradebook."""
    components, enrolments = _finals(cohort)
    return components, [
        {"enrolment": e, "entered": e.entered, "final": e.final} for e in enrolments
    ]


def enrolment_final_score(enrolment):
    """The final score of one enrolment (for certificates)."""
    components = components_of(enrolment.cohort.program)
    entered = dict(
        ComponentScore.objects.filter(enrolment=enrolment).values_list("component_id", "score")
    )
    project = getattr(enrolment, "project", None)
    return final_score_of(
        components=components,
        entered=entered,
        project_score=project.final_score if project else None,
        bands=bands_of(enrolment.cohort.program),
    )


@transaction.atomic
def component_scores_record(*, cohort, values, recorded_by):
    """Save entered component scores: `values` maps (enrolment id, component id) to a score or
    None (cleared). Bulk queries whatever the cohort size."""
    components = {c.pk: c for c in components_of(cohort.program) if c.source == "entered"}
    # The same row locks the certificate job takes before it reads the scores.
    enrolments = set(
        Enrolment.objects.select_for_update()
        .filter(cohort=cohort, pk__in={enrolment_id for enrolment_id, _c in values})
        .values_list("pk", flat=True)
    )
    existing = {
        (s.enrolment_id, s.component_id): s
        for s in ComponentScore.objects.filter(enrolment__cohort=cohort)
    }
    certified = {
        c.enrolment_id: c
        for c in Certificate.objects.filter(
            enrolment__cohort=cohort, status=Certificate.Status.VALID
        ).select_related("enrolment__participant")
    }
    create, update, delete = [], [], []
    for (enrolment_id, component_id), value in values.items():
        if enrolment_id not in enrolments or component_id not in components:
            continue
        record = existing.get((enrolment_id, component_id))
        current = record.score if record else None
        unchanged = (
            value is None
            and current is None
            or (value is not None and current is not None and score_round(value) == current)
        )
        if enrolment_id in certified and not unchanged:
            # A certificate states the score it was issued with.
            certificate = certified[enrolment_id]
            raise ValidationError(
                ERROR_CERTIFIED,
                params={
                    "name": certificate.enrolment.participant.name,
                    "number": certificate.number,
                },
            )
        if value is None:
            if record:
                delete.append(record.pk)
            continue
        value = score_round(value)
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(ERROR_RANGE)
        if record is None:
            create.append(
                ComponentScore(
                    enrolment_id=enrolment_id,
                    component_id=component_id,
                    score=value,
                    recorded_by=recorded_by,
                )
            )
        elif record.score != value:
            record.score, record.recorded_by = value, recorded_by
            update.append(record)
    ComponentScore.objects.filter(pk__in=delete).delete()
    ComponentScore.objects.bulk_create(create)
    ComponentScore.objects.bulk_update(update, ["score", "recorded_by"])
    return len(create) + len(update) + len(delete)
