from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .gradebook import components_check
from .models import ChangeProject, PredicateBand, ScoreComponent


@admin.register(ChangeProject)
class ChangeProjectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enrolment", "final_score", "scored_by"]
    list_select_related = ["enrolment__participant", "enrolment__cohort__program", "scored_by"]


class ScoreComponentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            components_check(kept)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class ScoreComponentInline(admin.TabularInline):
    model = ScoreComponent
    formset = ScoreComponentFormSet
    extra = 0


class PredicateBandInline(admin.TabularInline):
    model = PredicateBand
    extra = 0
