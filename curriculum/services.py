"""Programs and their curriculum versions.

A version that a cohort was created from is frozen: changing the curriculum means a new
version with a later effective date, and each new cohort takes the version in force on its
start date.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import PhaseTemplate, Program, ProgramVersion, Subject

ERROR_VERSION_IN_USE = _(
    "Versi %(number)s sudah dipakai angkatan dan tidak dapat diubah. Buat versi baru."
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
ERROR_LATEST_NOT_IN_USE = _("Versi %(number)s belum dipakai angkatan mana pun: ubah versi itu.")
ERROR_NO_VERSION_IN_FORCE = _("Belum ada versi program %(program)s yang berlaku pada %(date)s.")

PHASE_FIELDS = ["order", "kind", "name", "mode", "jp", "days", "day_rule"]


def version_in_use(version):
    return version.cohorts.exists()


def version_in_force(*, program, on):
    """The version a cohort starting on `on` follows: the latest effective by then."""
    version = program.versions.filter(effective_date__lte=on).order_by("-effective_date").first()
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
    for name, value in fields.items():
        setattr(program, name, value)
    program.full_clean()
    program.save(update_fields=list(fields))
    return program


@transaction.atomic
def version_draft_create(*, program, effective_date, created_by=None):
    """A new version copying the latest one's phases and subjects, ready to edit."""
    latest = program.versions.order_by("-number").first()
    if not version_in_use(latest):
        raise ValidationError(ERROR_LATEST_NOT_IN_USE, params={"number": latest.number})
    if effective_date <= latest.effective_date:
        raise ValidationError(
            ERROR_EFFECTIVE_DATE, params={"number": latest.number, "date": latest.effective_date}
        )
    draft = ProgramVersion.objects.create(
        program=program,
        number=latest.number + 1,
        effective_date=effective_date,
        declared_total_jp=latest.declared_total_jp,
        created_by=created_by,
    )
    for phase in latest.phase_templates.prefetch_related("subjects"):
        copy = PhaseTemplate.objects.create(
            version=draft, **{name: getattr(phase, name) for name in PHASE_FIELDS}
        )
        Subject.objects.bulk_create(
            Subject(phase_template=copy, order=s.order, name=s.name, jp=s.jp, agenda=s.agenda)
            for s in phase.subjects.all()
        )
    return draft


def _ensure_editable(version):
    if version_in_use(version):
        raise ValidationError(ERROR_VERSION_IN_USE, params={"number": version.number})


@transaction.atomic
def version_save(*, version, effective_date, declared_total_jp, note, phases):
    """Save a version's fields and its phases.

    `phases` is a list of dicts with PHASE_FIELDS, plus `id` for an existing phase template and
    `delete` to remove it. The version must not be in use; the phases' JP must add up to the
    declared total when one is declared.
    """
    version = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_editable(version)
    kept = [p for p in phases if not p.get("delete")]
    if not kept:
        raise ValidationError(ERROR_NO_PHASES)
    orders = [p["order"] for p in kept]
    for order in orders:
        if orders.count(order) > 1:
            raise ValidationError(ERROR_ORDER_TWICE, params={"order": order})
    total = sum(p["jp"] for p in kept)
    if declared_total_jp is not None and total != declared_total_jp:
        raise ValidationError(
            ERROR_TOTAL_MISMATCH, params={"total": total, "declared": declared_total_jp}
        )
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

    existing = {p.pk: p for p in version.phase_templates.all()}
    doomed = [p["id"] for p in phases if p.get("delete") and p.get("id") in existing]
    PhaseTemplate.objects.filter(pk__in=doomed).delete()
    # Orders are unique per version: park the kept ones out of the way before renumbering.
    kept_ids = [p["id"] for p in kept if p.get("id") in existing]
    for offset, pk in enumerate(kept_ids, start=1):
        PhaseTemplate.objects.filter(pk=pk).update(order=10000 + offset)
    for data in kept:
        fields = {name: data[name] for name in PHASE_FIELDS}
        if data.get("id") in existing:
            PhaseTemplate.objects.filter(pk=data["id"]).update(**fields)
        else:
            template = PhaseTemplate(version=version, **fields)
            template.full_clean()
            template.save()
    return version


@transaction.atomic
def subjects_save(*, phase_template, subjects):
    """Replace a phase's subjects; their JP must add up to the phase's JP."""
    _ensure_editable(phase_template.version)
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
