"""Programs and their curriculum versions.

A version is a draft while staff build it: it can be edited and no cohort uses it. Published,
it is frozen and new cohorts take the version in force on their start date, so a cohort keeps
the curriculum it was created from. Changing the curriculum means a new version with a later
effective date.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.db import unique_or_error

from .models import EvaluationCriterion, PhaseTemplate, Program, ProgramVersion, Subject

ERROR_VERSION_PUBLISHED = _(
    "Versi %(number)s sudah diterbitkan dan tidak dapat diubah. Buat versi baru."
)
ERROR_VERSION_IN_USE = _(
    "Versi %(number)s sudah dipakai angkatan dan tidak dapat ditarik kembali menjadi draf."
)
ERROR_TOTAL_MISMATCH = _(
    "Jumlah JP tahap (%(total)s) tidak sama dengan jumlah JP yang ditetapkan (%(declared)s)."
)
ERROR_ORDER_TWICE = _("Urutan %(order)s dipakai lebih dari satu tahap.")
ERROR_NO_PHASES = _("Program harus memiliki paling sedikit satu tahap.")
ERROR_SUBJECTS_JP = _(
    "Jumlah JP mata pelatihan (%(total)s) tidak sama dengan JP tahap %(phase)s (%(jp)s)."
)
ERROR_EFFECTIVE_DATE = _("Versi baru harus berlaku setelah versi %(number)s (%(date)s).")
ERROR_DRAFT_EXISTS = _("Versi %(number)s masih draf: ubah dan terbitkan versi itu dahulu.")
ERROR_NO_VERSION_IN_FORCE = _(
    "Belum ada versi program %(program)s yang terbit dan berlaku pada %(date)s."
)
ERROR_DATE_TAKEN = _("Sudah ada versi yang berlaku mulai %(date)s.")
ERROR_FIELDS_LOCKED = _(
    "Kode dan penomoran angkatan tidak dapat diubah setelah program dipakai angkatan: "
    "nama angkatan dan nomor sertifikat bergantung padanya."
)

PHASE_FIELDS = ["order", "kind", "name", "mode", "jp", "days", "day_rule"]
# Fields that cohort names and certificate numbers are made of.
LOCKED_ONCE_USED = ["code", "angkatan_style"]


def version_in_use(version):
    return version.cohorts.exists()


def version_in_force(*, program, on):
    """The version a cohort starting on `on` follows: the latest published one by then."""
    version = (
        program.versions.filter(published_at__isnull=False, effective_date__lte=on)
        .order_by("-effective_date")
        .first()
    )
    if version is None:
        raise ValidationError(ERROR_NO_VERSION_IN_FORCE, params={"program": program, "date": on})
    return version


@transaction.atomic
def program_create(*, created_by=None, effective_date, declared_total_jp=None, **fields):
    program = Program(**fields)
    program.full_clean()
    program.save()
    ProgramVersion.objects.create(
        program=program,
        number=1,
        effective_date=effective_date,
        declared_total_jp=declared_total_jp,
        created_by=created_by,
    )
    return program


def program_update(*, program, **fields):
    if program.cohorts.exists() and any(
        getattr(program, name) != fields[name] for name in LOCKED_ONCE_USED if name in fields
    ):
        raise ValidationError(ERROR_FIELDS_LOCKED)
    for name, value in fields.items():
        setattr(program, name, value)
    program.full_clean()
    program.save(update_fields=list(fields))
    return program


@transaction.atomic
def version_draft_create(*, program, effective_date, created_by=None):
    """A new draft copying the latest version's phases and subjects, ready to edit."""
    latest = program.versions.order_by("-number").first()
    if latest is not None and latest.is_draft:
        raise ValidationError(ERROR_DRAFT_EXISTS, params={"number": latest.number})
    if latest is not None and effective_date <= latest.effective_date:
        raise ValidationError(
            ERROR_EFFECTIVE_DATE, params={"number": latest.number, "date": latest.effective_date}
        )
    with unique_or_error(ERROR_DATE_TAKEN, date=effective_date):
        draft = ProgramVersion.objects.create(
            program=program,
            number=latest.number + 1 if latest else 1,
            effective_date=effective_date,
            declared_total_jp=latest.declared_total_jp if latest else None,
            created_by=created_by,
        )
    if latest is None:
        return draft
    for phase in latest.phase_templates.prefetch_related("subjects"):
        copy = PhaseTemplate.objects.create(
            version=draft, **{name: getattr(phase, name) for name in PHASE_FIELDS}
        )
        Subject.objects.bulk_create(
            Subject(phase_template=copy, order=s.order, name=s.name, jp=s.jp, agenda=s.agenda)
            for s in phase.subjects.all()
        )
    return draft


def _ensure_draft(version):
    if not version.is_draft:
        raise ValidationError(ERROR_VERSION_PUBLISHED, params={"number": version.number})


def _check_total(phases_jp, declared_total_jp):
    total = sum(phases_jp)
    if declared_total_jp is not None and total != declared_total_jp:
        raise ValidationError(
            ERROR_TOTAL_MISMATCH, params={"total": total, "declared": declared_total_jp}
        )


@transaction.atomic
def version_save(*, version, effective_date, declared_total_jp, note, phases):
    """Save a draft's fields and its phases.

    `phases` is a list of dicts with PHASE_FIELDS, plus `id` for an existing phase template and
    `delete` to remove it. The phases' JP must add up to the declared total when one is
    declared, and a phase with subjects must keep the JP its subjects add up to.
    """
    version = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_draft(version)
    kept = [p for p in phases if not p.get("delete")]
    if not kept:
        raise ValidationError(ERROR_NO_PHASES)
    orders = [p["order"] for p in kept]
    for order in orders:
        if orders.count(order) > 1:
            raise ValidationError(ERROR_ORDER_TWICE, params={"order": order})
    _check_total([p["jp"] for p in kept], declared_total_jp)
    previous = (
        version.program.versions.filter(number__lt=version.number).order_by("-number").first()
    )
    if previous and effective_date <= previous.effective_date:
        raise ValidationError(
            ERROR_EFFECTIVE_DATE,
            params={"number": previous.number, "date": previous.effective_date},
        )
    version.effective_date = effective_date
    version.declared_total_jp = declared_total_jp
    version.note = note
    version.full_clean()
    version.save(update_fields=["effective_date", "declared_total_jp", "note"])

    existing = {p.pk: p for p in version.phase_templates.prefetch_related("subjects")}
    PhaseTemplate.objects.filter(
        pk__in=[p["id"] for p in phases if p.get("delete") and p.get("id") in existing]
    ).delete()
    # Orders are unique per version: park the kept ones out of the way before renumbering.
    for offset, data in enumerate(kept, start=1):
        if data.get("id") in existing:
            PhaseTemplate.objects.filter(pk=data["id"]).update(order=10000 + offset)
    for data in kept:
        template = existing.get(data.get("id")) or PhaseTemplate(version=version)
        for name in PHASE_FIELDS:
            setattr(template, name, data[name])
        if template.pk:
            subjects = list(template.subjects.all())
            if subjects and sum(s.jp for s in subjects) != template.jp:
                raise ValidationError(
                    ERROR_SUBJECTS_JP,
                    params={
                        "total": sum(s.jp for s in subjects),
                        "phase": template.name,
                        "jp": template.jp,
                    },
                )
        template.full_clean()
        template.save()
    return version


@transaction.atomic
def version_publish(*, version):
    """Freeze a draft so cohorts can use it from its effective date."""
    version = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_draft(version)
    phases = list(version.phase_templates.all())
    if not phases:
        raise ValidationError(ERROR_NO_PHASES)
    _check_total([p.jp for p in phases], version.declared_total_jp)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


@transaction.atomic
def version_unpublish(*, version):
    """Back to draft, for a correction, as long as no cohort uses it."""
    version = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    if version_in_use(version):
        raise ValidationError(ERROR_VERSION_IN_USE, params={"number": version.number})
    version.published_at = None
    version.save(update_fields=["published_at"])
    return version


@transaction.atomic
def subjects_save(*, phase_template, subjects):
    """Replace a phase's subjects; their JP must add up to the phase's JP."""
    _ensure_draft(phase_template.version)
    kept = [s for s in subjects if not s.get("delete")]
    total = sum(s["jp"] for s in kept)
    if kept and total != phase_template.jp:
        raise ValidationError(
            ERROR_SUBJECTS_JP,
            params={"total": total, "phase": phase_template.name, "jp": phase_template.jp},
        )
    phase_template.subjects.all().delete()
    Subject.objects.bulk_create(
        Subject(
            phase_template=phase_template,
            order=s["order"],
            name=s["name"],
            jp=s["jp"],
            agenda=s.get("agenda", ""),
        )
        for s in sorted(kept, key=lambda s: s["order"])
    )


# The usual questions of an evaluasi pengajar and an evaluasi penyelenggaraan (issue 16).
DEFAULT_EVALUATION_CRITERIA = {
    EvaluationCriterion.Target.SPEAKER: [
        _("Penguasaan materi"),
        _("Cara menyampaikan materi"),
        _("Disiplin dan ketepatan waktu"),
        _("Penggunaan waktu"),
        _("Cara menjawab pertanyaan"),
    ],
    EvaluationCriterion.Target.ORGANISER: [
        _("Sarana dan prasarana"),
        _("Konsumsi"),
        _("Pelayanan panitia"),
        _("Jadwal"),
    ],
}


def evaluation_criteria_ensure(*, program):
    """The program's evaluation criteria, by target then order; a program that has none gets
    the default set first. One query when they exist."""
    criteria = list(EvaluationCriterion.objects.filter(program=program))
    if criteria:
        return criteria
    EvaluationCriterion.objects.bulk_create(
        [
            EvaluationCriterion(program=program, target=target, label=str(label), order=order)
            for target, labels in DEFAULT_EVALUATION_CRITERIA.items()
            for order, label in enumerate(labels, start=1)
        ],
        ignore_conflicts=True,  # two first answers at once: the set is made once
    )
    return list(EvaluationCriterion.objects.filter(program=program))


ERROR_LAST_CRITERION = _(
    "Evaluasi %(target)s harus memiliki paling sedikit satu kriteria: ubah namanya bila perlu, "
    "jangan hapus semuanya."
)
ERROR_CRITERION_TWICE = _("Kriteria %(target)s “%(label)s” tertulis lebih dari sekali.")
ERROR_CRITERION_ANSWERED = _(
    "Kriteria “%(label)s” sudah dinilai peserta dan tidak dapat dihapus: jawabannya "
    "akan kehilangan pertanyaannya. Ubah namanya saja."
)
ERROR_SCALE_ANSWERED = _(
    "Skala tidak dapat diubah: peserta sudah mengisi evaluasi program ini, dan rata-rata dari "
    "dua skala yang berbeda tidak bermakna."
)


def _answers_to(criteria):
    """Per model that refers to a criterion (a participant's answer), its rows on `criteria`,
    and the field's name. Found through the relations to EvaluationCriterion, so curriculum
    need not import the layer above."""
    for relation in EvaluationCriterion._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and relation.one_to_many:
            name = relation.field.name
            rows = relation.related_model._default_manager.filter(**{f"{name}__in": criteria})
            yield rows, name


def _criteria_answered(criteria):
    """The ids among `criteria` that participants have rated."""
    used = set()
    for rows, name in _answers_to(criteria):
        used.update(rows.values_list(name, flat=True).distinct())
    return used


def evaluation_answered(*, program):
    """Whether any participant has rated one of the program's criteria."""
    criteria = EvaluationCriterion.objects.filter(program=program)
    return any(rows.exists() for rows, _name in _answers_to(criteria))


@transaction.atomic
def evaluation_setup_save(*, program, scale, criteria):
    """Save a program's evaluation scale and criteria.

    `criteria` is a list of dicts with `target`, `label`, `order`, plus `id` for an existing
    criterion and `delete` to remove it. Each target keeps at least one criterion; a criterion
    already rated cannot be removed (renaming it keeps its answers), and the scale cannot change
    once anyone has answered. On any error nothing is saved.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    existing = {c.pk: c for c in EvaluationCriterion.objects.filter(program=program)}
    if scale != program.evaluation_scale and evaluation_answered(program=program):
        raise ValidationError(ERROR_SCALE_ANSWERED)
    for data in criteria:  # an existing criterion keeps its target, and so its answers' meaning
        if data.get("id") in existing:
            data["target"] = existing[data["id"]].target
    kept = [c for c in criteria if not c.get("delete")]
    for target, name in EvaluationCriterion.Target.choices:
        labels = [c["label"].strip().casefold() for c in kept if c["target"] == target]
        if not labels:
            raise ValidationError(ERROR_LAST_CRITERION, params={"target": str(name).lower()})
        for c in kept:
            if c["target"] == target and labels.count(c["label"].strip().casefold()) > 1:
                raise ValidationError(
                    ERROR_CRITERION_TWICE,
                    params={"target": str(name).lower(), "label": c["label"].strip()},
                )
    removed = [existing[c["id"]] for c in criteria if c.get("delete") and c.get("id") in existing]
    answered = _criteria_answered([c.pk for c in removed])
    for criterion in removed:
        if criterion.pk in answered:
            raise ValidationError(ERROR_CRITERION_ANSWERED, params={"label": criterion.label})
    EvaluationCriterion.objects.filter(pk__in=[c.pk for c in removed]).delete()
    updated, created = [], []
    for data in kept:
        criterion = existing.get(data.get("id")) or EvaluationCriterion(
            program=program, target=data["target"]
        )
        criterion.label = data["label"].strip()
        criterion.order = data["order"]
        (updated if criterion.pk else created).append(criterion)
    # Labels are unique per program and target: park the kept ones first, so two criteria
    # can swap their names.
    parked = [EvaluationCriterion(pk=c.pk, label=f"\u2063{c.pk}") for c in updated]
    EvaluationCriterion.objects.bulk_update(parked, ["label"])
    EvaluationCriterion.objects.bulk_update(updated, ["target", "label", "order"])
    EvaluationCriterion.objects.bulk_create(created)
    if scale != program.evaluation_scale:
        program.evaluation_scale = scale
        program.full_clean()
        program.save(update_fields=["evaluation_scale"])
    return program
