from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curriculum.models import Program

from .models import Institution


class CohortCreateForm(forms.Form):
    program = forms.ModelChoiceField(Program.objects.all(), label=_("Program"))
    organiser = forms.ModelChoiceField(
        Institution.objects.filter(kind=Institution.Kind.TRAINING_AGENCY),
        label=_("Penyelenggara"),
    )
    angkatan = forms.IntegerField(label=_("Angkatan ke-"), min_value=1)
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    start_date = forms.DateField(
        label=_("Tanggal mulai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.CharField(label=_("Tempat (klasikal)"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Kapasitas"),
        min_value=1,
        required=False,
        help_text=_("Kosongkan untuk memakai kapasitas bawaan program."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
