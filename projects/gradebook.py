"""The staff gradebook: saving the components of every participant's final score, and
checking a program's components and predicate bands. Reading them is in selectors."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from participants.models import Enrolment

from .closing import grades_open_check
from .grading import score_round
from .models import ComponentScore
from .selectors import components_of, enrolments_certified

ERROR_WEIGHTS = _("Bobot komponen nilai akhir harus berjumlah 100%% (sekarang %(total)s%%).")
ERROR_RANGE = _("Nilai harus antara 0 dan 100.")
ERROR_BANDS = _(
    "Rentang predikat harus memiliki rentang terbawah mulai 0 yang tidak lulus, paling "
    "sedikit satu rentang lulus, dan rentang di atas rentang lulus juga lulus."
)
ERROR_CERTIFIED_PROGRAM = _(
    "Sertifikat program ini sudah terbit atau nilai angkatannya sudah ditutup: komponen nilai "
    "dan rentang predikatnya tidak dapat diubah lagi."
)
ERROR_CERTIFIED = _("Nilai %(name)s tidak dapat diubah: sertifikatnya sudah terbit (%(number)s).")
ERROR_CONFLICT = _(
    "Nilai berikut diubah orang lain setelah halaman ini Anda buka; tidak ada yang ditimpa. "
    "Nilai terbaru: %(changes)s. Periksa lalu simpan lagi."
)
ERROR_REASON = _("Tuliskan alasan perubahan: nilai yang sudah tersimpan ikut diubah.")
FIRST_SCORE = _("Nilai pertama")
# Said under the refused cell itself, so each names its row (participant) and column.
CELL_RANGE = _("%(participant)s, %(component)s: nilai harus antara 0 dan 100.")
CELL_CERTIFIED = _("%(participant)s, %(component)s: sertifikatnya sudah terbit (%(number)s).")
CELL_REASON = _("%(participant)s, %(component)s: mengubah nilai tersimpan perlu alasan.")
CELL_CONFLICT = _("%(participant)s, %(component)s: diubah orang lain menjadi %(current)s.")


class ScoresRefused(ValidationError):
    """A refused gradebook save. Besides its messages, `cells` maps each (enrolment id,
    component id) at fault to what is wrong with it, so that the page can mark that cell."""

    def __init__(self, errors, *, cells):
        super().__init__(errors)
        self.cells = cells


def components_check(components):
    total = sum((Decimal(c.weight) for c in components), Decimal(0))
    if components and total != 100:
        raise ValidationError(ERROR_WEIGHTS, params={"total": formats.number_format(total)})


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


@transaction.atomic
def component_scores_record(*, cohort, values, recorded_by, loaded=None, reason=""):
    """Save entered component scores: `values` maps (enrolment id, component id) to a score or
    None (cleared); `loaded` maps the same keys to the value shown when the page was opened.
    A value someone else changed since is refused, not overwritten; changing or clearing a
    saved value needs a `reason`. All or nothing: one refused cell saves none of them, and
    ScoresRefused names every refused cell. Every change is kept in the score's history.
    Bulk queries over the enrolments in `values` only, whatever the cohort size."""
    grades_open_check(cohort)
    loaded = loaded or {}
    reason = (reason or "").strip()
    components = {c.pk: c for c in components_of(cohort.program) if c.source == "entered"}
    # The same row locks the certificate job takes before it reads the scores.
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.select_for_update(of=("self",))
        .filter(cohort=cohort, pk__in={enrolment_id for enrolment_id, _c in values})
        .select_related("participant")
        .order_by("pk")  # the order the certificate job locks them in
    }
    # Only the rows sent (a page of the gradebook), not the whole cohort's.
    existing = {
        (s.enrolment_id, s.component_id): s
        for s in ComponentScore.objects.filter(enrolment_id__in=list(enrolments))
    }
    certified = enrolments_certified(cohort, only=enrolments)
    create, update, delete, conflicts = [], [], [], []
    errors, cells = {}, {}  # one message per kind of refusal; what is wrong in each cell
    for (enrolment_id, component_id), value in values.items():
        if enrolment_id not in enrolments or component_id not in components:
            continue
        record = existing.get((enrolment_id, component_id))
        current = record.score if record else None
        value = score_round(value) if value is not None else None
        if value == current:
            continue
        key = (enrolment_id, component_id)
        if key in loaded and value == loaded[key]:
            continue  # untouched on this page: someone else's newer value stays
        where = {
            "participant": enrolments[enrolment_id].participant.name,
            "component": components[component_id].name,
        }
        if key in loaded and loaded[key] != current:
            shown = "-" if current is None else formats.localize(current)
            conflicts.append(f"{where['participant']} — {where['component']}: {shown}")
            cells[key] = CELL_CONFLICT % {**where, "current": shown}
            continue
        if enrolment_id in certified:
            # A certificate states the score it was issued with.
            frozen = certified[enrolment_id]
            number = frozen.certificate.number
            errors.setdefault(
                ("certified", enrolment_id),
                ValidationError(
                    ERROR_CERTIFIED, params={"name": frozen.participant.name, "number": number}
                ),
            )
            cells[key] = CELL_CERTIFIED % {**where, "number": number}
            continue
        if record is not None and not reason:
            errors.setdefault("reason", ValidationError(ERROR_REASON))
            cells[key] = CELL_REASON % where
            continue
        if value is None:
            delete.append(record)
            continue
        if not Decimal(0) <= value <= Decimal(100):
            errors.setdefault("range", ValidationError(ERROR_RANGE))
            cells[key] = CELL_RANGE % where
            continue
        if record is None:
            create.append(
                ComponentScore(
                    enrolment_id=enrolment_id,
                    component_id=component_id,
                    score=value,
                    recorded_by=recorded_by,
                )
            )
        else:
            record.score, record.recorded_by = value, recorded_by
            update.append(record)
    if conflicts:
        errors["conflict"] = ValidationError(
            ERROR_CONFLICT, params={"changes": "; ".join(conflicts)}
        )
    if cells:
        raise ScoresRefused(list(errors.values()), cells=cells)
    for record in delete:
        # One by one so that each clearing is kept in the history with its reason.
        record._history_user, record._change_reason = recorded_by, reason
        record.delete()
    bulk_create_with_history(
        create,
        ComponentScore,
        default_user=recorded_by,
        default_change_reason=str(FIRST_SCORE),
    )
    bulk_update_with_history(
        update,
        ComponentScore,
        ["score", "recorded_by"],
        default_user=recorded_by,
        default_change_reason=reason,
    )
    return len(create) + len(update) + len(delete)
