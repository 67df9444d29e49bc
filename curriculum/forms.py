from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    MAX_DAYS,
    MAX_JP,
    DayRule,
    EvaluationCriterion,
    EvaluationScale,
    PhaseKind,
    PhaseMode,
    Program,
)
from .services import LOCKED_ONCE_USED, PHASE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgramForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.cohorts.exists():
            # Cohort names and certificate numbers are made of these.
            for name in LOCKED_ONCE_USED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Terkunci: program sudah dipakai angkatan.")

    class Meta:
        model = Program
        fields = [
            "name",
            "code",
            "former_name",
            "position_level",
            "project_label",
            "default_capacity",
            "angkatan_style",
            "max_unexcused_absences",
            "min_attendance_percent",
        ]


class ProgramCreateForm(ProgramForm):
    effective_date = forms.DateField(label=_("Kurikulum berlaku mulai"), widget=DATE_INPUT)
    declared_total_jp = forms.IntegerField(
        label=_("Jumlah JP yang ditetapkan"), min_value=1, required=False
    )


class VersionForm(forms.Form):
    effective_date = forms.DateField(label=_("Berlaku mulai"), widget=DATE_INPUT)
    declared_total_jp = forms.IntegerField(
        label=_("Jumlah JP yang ditetapkan"),
        min_value=1,
        required=False,
        help_text=_("Jumlah JP menurut peraturan; jumlah JP tahap harus sama."),
    )
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class VersionNewForm(forms.Form):
    effective_date = forms.DateField(label=_("Versi baru berlaku mulai"), widget=DATE_INPUT)


def _with_blank(choices):
    # A blank first option, so an untouched empty row sends nothing and is skipped.
    return [("", "—"), *choices]


class PhaseTemplateForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(label=_("Urutan"), min_value=1, max_value=99)
    kind = forms.ChoiceField(label=_("Jenis"), choices=_with_blank(PhaseKind.choices))
    name = forms.CharField(label=_("Nama tahap"), max_length=100)
    mode = forms.ChoiceField(label=_("Moda"), choices=_with_blank(PhaseMode.choices))
    jp = forms.IntegerField(label=_("JP"), min_value=0, max_value=MAX_JP)
    days = forms.IntegerField(label=_("Hari"), min_value=1, max_value=MAX_DAYS)
    day_rule = forms.ChoiceField(label=_("Aturan hari"), choices=_with_blank(DayRule.choices))


PhaseTemplateFormSet = forms.formset_factory(PhaseTemplateForm, extra=3, can_delete=True)


def version_forms(data, *, version):
    """A draft version's form and its phase templates' formset, filled from the version."""
    form = VersionForm(
        data,
        initial={
            "effective_date": version.effective_date,
            "declared_total_jp": version.declared_total_jp,
            "note": version.note,
        },
    )
    formset = PhaseTemplateFormSet(
        data,
        prefix="phase",
        initial=[
            {"id": p.pk, **{name: getattr(p, name) for name in PHASE_FIELDS}}
            for p in version.phase_templates.order_by("order")
        ],
    )
    return form, formset


class SubjectForm(forms.Form):
    order = forms.IntegerField(label=_("Urutan"), min_value=1, max_value=99)
    name = forms.CharField(label=_("Mata pelatihan"), max_length=200)
    jp = forms.IntegerField(label=_("JP"), min_value=1, max_value=MAX_JP)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


SubjectFormSet = forms.formset_factory(SubjectForm, extra=2, can_delete=True)


def formset_rows(formset):
    """The filled rows of a valid formset as dicts, with `delete` for the ticked ones."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.initial:
            continue  # an empty extra row
        data = dict(form.cleaned_data)
        data["delete"] = data.pop("DELETE", False)
        rows.append(data)
    return rows


class EvaluationScaleForm(forms.Form):
    scale = forms.ChoiceField(label=_("Skala penilaian"), choices=EvaluationScale.choices)


class EvaluationCriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(label=_("Urutan"), min_value=1, max_value=99)
    label = forms.CharField(label=_("Kriteria"), max_length=200)


EvaluationCriterionFormSet = forms.formset_factory(
    EvaluationCriterionForm, extra=2, can_delete=True
)


def evaluation_forms(data, *, program, criteria):
    """The scale form and one criteria formset per target (prefix: the target), filled from
    the program's criteria."""
    form = EvaluationScaleForm(data, initial={"scale": program.evaluation_scale})
    formsets = {
        target: EvaluationCriterionFormSet(
            data,
            prefix=target,
            initial=[
                {"id": c.pk, "order": c.order, "label": c.label}
                for c in criteria
                if c.target == target
            ],
        )
        for target in EvaluationCriterion.Target.values
    }
    return form, formsets
