import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms import (
    BaseInlineFormSet,
    formset_factory,
    inlineformset_factory,
    modelformset_factory,
)
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from config import roles
from participants.selectors import name_or_nip

from .gradebook import CELL_RANGE, ERROR_RANGE
from .models import (
    ChangeProject,
    CoreValue,
    Milestone,
    ProjectDocument,
    Stakeholder,
    TeamMember,
    Theme,
)


def score_field(label, required=True):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "text-end"}),
    )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ChangeProject
        fields = ["title", "theme", "problem", "innovation"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "innovation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A theme staff retired stays selectable for the projects that already carry it.
        themes = Q(active=True) | Q(pk=self.instance.theme_id)
        self.fields["theme"].queryset = Theme.objects.filter(themes).order_by("name")


CELL_ROW = _("%(section)s baris %(row)s, %(column)s: %(problem)s")


class RowsFormSet(BaseInlineFormSet):
    """The project's rows (milestones, stakeholders, team). Each field error names its
    section, row and column, so that a participant finds it in a long page; `section` is
    set on each formset class."""

    section = ""

    def full_clean(self):
        super().full_clean()
        for number, form in enumerate(self.forms, start=1):
            for name, errors in list(form.errors.items()):
                if name not in form.fields:
                    continue  # the row's own errors (NON_FIELD_ERRORS) name no column
                where = {"section": self.section, "row": number}
                where["column"] = form.fields[name].label
                form._errors[name] = form.error_class(
                    [CELL_ROW % {**where, "problem": problem} for problem in errors]
                )


StakeholderFormSet = inlineformset_factory(
    ChangeProject,
    Stakeholder,
    formset=RowsFormSet,
    fields=["name", "kind", "role"],
    extra=2,
    can_delete=True,
)
StakeholderFormSet.section = _("Pemangku kepentingan")
TeamFormSet = inlineformset_factory(
    ChangeProject,
    TeamMember,
    formset=RowsFormSet,
    fields=["role", "name", "position"],
    extra=2,
    can_delete=True,
)
TeamFormSet.section = _("Tim")


class MilestoneForm(forms.ModelForm):
    value_codes = forms.MultipleChoiceField(
        label=_("Nilai BerAKHLAK"),
        choices=CoreValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Milestone
        fields = ["term", "activity", "planned_start", "planned_end", "actual_end", "output",
                  "evidence"]  # fmt: skip
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, with_values=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_values:
            self.initial.setdefault("value_codes", self.instance.value_codes)
        else:
            del self.fields["value_codes"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("tidak boleh sebelum rencana mulai."))
        return cleaned

    def save(self, commit=True):
        if "value_codes" in self.fields:
            self.instance.values = ",".join(self.cleaned_data.get("value_codes") or [])
        return super().save(commit)


MilestoneFormSet = inlineformset_factory(
    ChangeProject, Milestone, form=MilestoneForm, formset=RowsFormSet, extra=2, can_delete=True
)
MilestoneFormSet.section = _("Tonggak")
PROJECT_ROWS = ("milestones", "stakeholders", "team")


def project_rows_added(data, prefix):
    """The editor's data with one more empty row in the `prefix` formset ("Tambah baris"
    sent without JavaScript): the page comes back with what was typed, nothing saved."""
    data = data.copy()
    total = f"{prefix}-TOTAL_FORMS"
    count = data.get(total, "")
    if count.isdigit():  # else tampered: the formset reports its management form as broken
        data[total] = str(int(count) + 1)
    return data


def project_forms(data, *, project, with_values):
    """The participant's project form and its stakeholders', team's and milestones' formsets;
    `with_values` asks each milestone for its BerAKHLAK values."""
    return (
        ProjectForm(data, instance=project),
        StakeholderFormSet(data, instance=project, prefix="stakeholders"),
        TeamFormSet(data, instance=project, prefix="team"),
        MilestoneFormSet(
            data,
            instance=project,
            prefix="milestones",
            form_kwargs={"with_values": with_values},
        ),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis dokumen"), choices=ProjectDocument.Kind.choices)
    file = forms.FileField(
        label=_("Berkas"),
        allow_empty_file=True,  # refused by document_check, with a clearer message
        help_text=_("PDF, DOCX, PPTX, JPG, atau PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.pptx,.jpg,.jpeg,.png"}),
    )


class StepForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea)


ERROR_NOT_SAVED = _("Belum ada nilai yang disimpan: perbaiki isian yang ditandai merah.")
CELL_CRITERION = _(
    "%(participant)s, %(criterion)s: isi nilai 0-100, paling banyak dua angka di belakang "
    "koma (misalnya 85,50)."
)


class SheetForm(forms.Form):
    """One score (0-100) and a comment per criterion of a rubric."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib bila mengubah nilai yang sudah dikirim."),
    )

    def __init__(self, *args, criteria, participant="", **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.participant = participant
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = score_field(
                f"{criterion.name} ({number_format(criterion.weight)}%)"
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Komentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self):
        cleaned = super().clean()
        # Each refused score says whose sheet and which criterion, as the gradebook's cells do.
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            if name in self._errors:
                where = {"participant": self.participant, "criterion": criterion.name}
                self._errors[name] = self.error_class([CELL_CRITERION % where])
        if self._errors:
            self.add_error(None, ERROR_NOT_SAVED)
        return cleaned

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self):
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


def sheet_initial(sheet):
    """A SheetForm's initial values from the scorer's saved `sheet` (None: a new sheet, version
    0), so that the version sent back tells whether someone saved it since."""
    initial = {"version": sheet.version if sheet else 0}
    if sheet:
        for score in sheet.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"comment_{score.criterion_id}"] = score.comment
    return initial


class ExaminersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class SeminarForm(forms.Form):
    CHOICES_SHOWN = 50
    starts_at = forms.DateTimeField(
        label=_("Waktu"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    room = forms.CharField(label=_("Ruang"), max_length=100)
    examiners = ExaminersField(
        label=_("Tim penguji"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Seluruh kelompok"), queryset=None, required=False, empty_label=_("—")
    )
    enrolments = forms.ModelMultipleChoiceField(
        label=_("Atau peserta tertentu"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cohort, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["examiners"].queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.WIDYAISWARA, is_active=True)
            .order_by("first_name", "username")
        )
        self.fields["group"].queryset = cohort.groups.order_by("name")
        enrolments = self.fields["enrolments"]
        enrolments.queryset = cohort.enrolments.select_related("participant")
        # The boxes offered are those not yet given a seminar, found by `search` (name or
        # NIP), at most CHOICES_SHOWN: a cohort of thousands would otherwise put a box per
        # participant on the page. Any of the cohort's participants is still accepted.
        offered = enrolments.queryset.filter(seminars__isnull=True).order_by("participant__name")
        if search := search.strip():
            offered = offered.filter(name_or_nip(search))
        shown = list(offered[: self.CHOICES_SHOWN + 1])  # one more says whether there are more
        enrolments.choices = [(e.pk, e.participant.name) for e in shown[: self.CHOICES_SHOWN]]
        self.offered_more = len(shown) > self.CHOICES_SHOWN

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("enrolments") or [])
        group = cleaned.get("group")
        if group is not None:
            chosen += [e for e in group.enrolments.select_related("participant") if e not in chosen]
        cleaned["chosen"] = chosen
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))


class EnrolmentStatusForm(forms.Form):
    """Withdrawn, deferred or active again, with a reason; the service checks both, so that
    its messages (in Indonesian) are the ones staff read."""

    status = forms.CharField(required=False)
    reason = forms.CharField(required=False)


class RoleWeightForm(forms.Form):
    weight = forms.DecimalField(
        label=_("Bobot penilai (%)"), min_value=0, max_value=100, decimal_places=2, localize=True
    )


class CriterionRowForm(forms.Form):
    name = forms.CharField(label=_("Kriteria"), max_length=200)
    description = forms.CharField(label=_("Penjelasan"), max_length=500, required=False)
    weight = forms.DecimalField(
        label=_("Bobot (%)"), min_value=0, max_value=100, decimal_places=2, localize=True
    )


CriterionFormSet = formset_factory(CriterionRowForm, extra=2, can_delete=True)


class RubricsForm:
    """A program's rubrics as one form: per scoring role a weight form and a formset of
    criteria, filled from `rubrics` (role to rubric). `sections` is what the page lays out:
    (role, label, weight form, criteria formset)."""

    def __init__(self, data, *, rubrics, roles):
        self.sections = []
        for role in roles:
            rubric = rubrics.get(role)
            weight_form = RoleWeightForm(
                data, prefix=f"w-{role}", initial={"weight": rubric.weight if rubric else 0}
            )
            criteria = CriterionFormSet(
                data,
                prefix=f"c-{role}",
                initial=[
                    {"name": c.name, "description": c.description, "weight": c.weight}
                    for c in (rubric.criteria_list if rubric else [])
                ],
            )
            self.sections.append((role, role.label, weight_form, criteria))

    def is_valid(self):
        return all(w.is_valid() and c.is_valid() for _r, _l, w, c in self.sections)

    def role_weights(self):
        """Each role's weight (valid form only)."""
        return {role: w.cleaned_data["weight"] for role, _l, w, _c in self.sections}

    def criteria(self):
        """Each role's criteria as (name, description, weight), the deleted rows left out."""
        return {
            role: [
                (row["name"], row["description"], row["weight"])
                for row in c.cleaned_data
                if row and not row.get("DELETE")
            ]
            for role, _l, _w, c in self.sections
        }


ThemeFormSet = modelformset_factory(Theme, fields=["name", "active"], extra=3)


# A score as people type it: 85, 85,5 or 85.50 (no exponents, NaN or infinity).
SCORE_TEXT = re.compile(r"\d{1,3}([.,]\d{1,2})?")
ERROR_UNREADABLE = _("Nilai tidak terbaca untuk: %(names)s.")
UNREADABLE = object()


def score_typed(text):
    """A typed score as a Decimal, None for an empty cell, UNREADABLE for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    if SCORE_TEXT.fullmatch(text):
        return Decimal(text.replace(",", "."))
    return UNREADABLE


CELL_UNREADABLE = _(
    "%(participant)s, %(component)s: “%(typed)s” tidak terbaca; tulis 0-100, misalnya 85,50."
)


class GradebookForm(forms.Form):
    """The gradebook's cells as sent: `score-<enrolment>-<component>` as typed, and
    `loaded-<enrolment>-<component>`, the value the page showed. A cell missing from the page
    that was sent is left as it is; a page without the value it showed counts as having
    shown an empty cell, so it can add a score but never silently replace one. Cleaned:
    `values` and `loaded`, both keyed by (enrolment id, component id), and `reason`.

    A refused save keeps what was typed: `cell_errors` says what is wrong in which cell (the
    form's own reading, or the service's refusal through `refuse`), and `grid` lays the rows
    out with each cell's value and error for the page."""

    reason = forms.CharField(required=False)

    def __init__(self, data=None, *, rows, components):
        super().__init__(data)
        self.entered = [c for c in components if c.source == "entered"]
        self.cells = [
            ((row["enrolment"].pk, c.pk), row["enrolment"].participant.name, c.name)
            for row in rows
            for c in self.entered
        ]
        self.cell_errors = {}

    def clean(self):
        data = super().clean()
        values, loaded, unreadable, out_of_range = {}, {}, [], False
        for key, participant, component in self.cells:
            name = f"score-{key[0]}-{key[1]}"
            if name not in self.data:
                continue
            typed = score_typed(self.data[name])
            where = {"participant": participant, "component": component}
            if typed is UNREADABLE:
                unreadable.append(participant)
                self.cell_errors[key] = CELL_UNREADABLE % {**where, "typed": self.data[name]}
                continue
            if typed is not None and typed > 100:
                out_of_range = True
                self.cell_errors[key] = CELL_RANGE % where
                continue
            shown = score_typed(self.data.get(f"loaded-{key[0]}-{key[1]}", ""))
            values[key], loaded[key] = typed, None if shown is UNREADABLE else shown
        errors = []
        if unreadable:
            names = ", ".join(dict.fromkeys(unreadable))
            errors.append(forms.ValidationError(ERROR_UNREADABLE, params={"names": names}))
        if out_of_range:
            errors.append(forms.ValidationError(ERROR_RANGE))
        if errors:
            raise forms.ValidationError([*errors, forms.ValidationError(ERROR_NOT_SAVED)])
        data["values"], data["loaded"] = values, loaded
        return data

    def refuse(self, error):
        """Put the service's refusal on the form: its messages, and its cells marked."""
        self.cell_errors.update(getattr(error, "cells", {}))
        self.add_error(None, [*error.messages, str(ERROR_NOT_SAVED)])

    def grid(self, rows):
        """`rows` (gradebook_rows) each with `cells`: component id to the input's `name`,
        its `value`, the `loaded` value it carries and its `error`. After a refused save a
        cell shows what was typed in it if that differs from what the page had shown, else
        the saved value; `loaded` is always the saved value, so that sending the page again
        changes exactly the cells typed in."""
        laid_out = []
        for row in rows:
            enrolment_id, cells = row["enrolment"].pk, {}
            for c in self.entered:
                key, saved = (enrolment_id, c.pk), row["entered"].get(c.pk)
                name = f"score-{enrolment_id}-{c.pk}"
                value = saved
                if self.is_bound and name in self.data:
                    typed = self.data[name]
                    shown = self.data.get(f"loaded-{enrolment_id}-{c.pk}", "")
                    typed_value = score_typed(typed)
                    if typed_value is UNREADABLE or typed_value != score_typed(shown):
                        value = typed
                cells[c.pk] = {
                    "name": name,
                    "loaded_name": f"loaded-{enrolment_id}-{c.pk}",
                    "value": value,
                    "loaded": saved,
                    "error": self.cell_errors.get(key),
                }
            laid_out.append({**row, "cells": cells})
        return laid_out


class PaperScanForm(forms.Form):
    """The signed paper form a mentor's decision is entered from: its scan, who signed it
    and when (projects.paper)."""

    scan = forms.FileField(
        label=_("Pindaian formulir bertanda tangan"),
        allow_empty_file=True,  # refused by scan_check, with a clearer message
        help_text=_("PDF, JPG, atau PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    signed_by = forms.CharField(label=_("Ditandatangani oleh"), max_length=200)
    signed_on = forms.DateField(
        label=_("Tanggal tanda tangan"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
