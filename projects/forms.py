from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class ScoreForm(forms.Form):
    title = forms.CharField(label=_("Judul proyek perubahan"), max_length=300, required=False)
    final_score = forms.DecimalField(
        label=_("Nilai (0-100)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_("Dua angka di belakang koma, misalnya 85,50."),
    )
