"""The questionnaire a participant fills (participants.evaluations): each speaker of the day or
phase, then the organiser, each criterion a required rating and one comment that may stay
empty."""

from django import forms
from django.utils.translation import gettext_lazy as _

from curriculum.models import EvaluationCriterion

from .evaluations import ERROR_MISSING, ERROR_VALUE, Teacher

COMMENT = "komentar"


class EvaluationForm(forms.Form):
    def __init__(self, *args, questionnaire, criteria, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self._sections = []
        organiser = Teacher(name=str(_("Penyelenggara")))
        for teacher in [*questionnaire.teachers, organiser]:
            target = (
                EvaluationCriterion.Target.ORGANISER
                if teacher.is_organiser
                else EvaluationCriterion.Target.SPEAKER
            )
            names = []
            for criterion in (c for c in criteria if c.target == target):
                name = f"{teacher.key}-{criterion.pk}"
                messages = {"required": ERROR_MISSING, "invalid_choice": ERROR_VALUE}
                if choices:
                    self.fields[name] = forms.TypedChoiceField(
                        label=criterion.label, choices=choices, coerce=int,
                        widget=forms.RadioSelect, error_messages=messages,
                    )  # fmt: skip
                else:
                    self.fields[name] = forms.IntegerField(
                        label=criterion.label, min_value=1, max_value=100,
                        error_messages={**messages, "invalid": ERROR_VALUE,
                                        "min_value": ERROR_VALUE, "max_value": ERROR_VALUE},
                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                    )  # fmt: skip
                names.append((name, teacher.key, criterion.pk))
            comment = f"{teacher.key}-{COMMENT}"
            self.fields[comment] = forms.CharField(
                label=_("Komentar (boleh kosong)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self._sections.append((teacher, names, comment))

    @property
    def sections(self):
        """(teacher, their rating fields, their comment field), for the template."""
        return [
            (teacher, [self[name] for name, *_rest in names], self[comment])
            for teacher, names, comment in self._sections
        ]

    def ratings(self):
        return {
            (key, pk): self.cleaned_data[name]
            for _t, names, _c in self._sections
            for name, key, pk in names
        }

    def comments(self):
        return {t.key: self.cleaned_data.get(comment, "") for t, _n, comment in self._sections}
