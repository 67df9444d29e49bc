from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cohorts.admin import WithinReachAdmin
from curriculum.admin import ProgramAdmin
from curriculum.models import Program

from .gradebook import ERROR_CERTIFIED_PROGRAM, bands_check, components_check
from .models import ChangeProject, PredicateBand, ScoreComponent, Theme
from .selectors import program_certified


@admin.register(ChangeProject)
class ChangeProjectAdmin(WithinReachAdmin):
    cohort_lookup = "enrolment__cohort"
    list_display = ["__str__", "enrolment", "state", "final_score"]
    list_filter = ["state"]
    list_select_related = ["enrolment__participant", "enrolment__cohort__program"]
    # Scores and stages change only through the scoring pages and the workflow, which keep
    # their history; the admin shows them.
    readonly_fields = ["enrolment", "state", "final_score", "scored_at"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]


class _FrozenOnceCertified(forms.BaseInlineFormSet):
    """A program's grading rules cannot change once its certificates state their results."""

    def kept(self):
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if self.has_changed() and self.instance.pk and program_certified(self.instance):
            raise forms.ValidationError(str(ERROR_CERTIFIED_PROGRAM))


class ScoreComponentFormSet(_FrozenOnceCertified):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        try:
            components_check([form.instance for form in self.forms if form.cleaned_data
                              and not form.cleaned_data.get("DELETE")])  # fmt: skip
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class PredicateBandFormSet(_FrozenOnceCertified):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        try:
            bands_check([(data["floor"], data["passes"]) for data in self.kept()])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class ScoreComponentInline(admin.TabularInline):
    model = ScoreComponent
    formset = ScoreComponentFormSet
    extra = 0


class PredicateBandInline(admin.TabularInline):
    model = PredicateBand
    formset = PredicateBandFormSet
    extra = 0


class ProgramWithGradingAdmin(ProgramAdmin):
    """The program's admin page with how its final score is made: curriculum (below
    projects) registers the program, projects adds its grading rules to the same page."""

    inlines = [*ProgramAdmin.inlines, ScoreComponentInline, PredicateBandInline]


admin.site.unregister(Program)
admin.site.register(Program, ProgramWithGradingAdmin)
