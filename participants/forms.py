from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cohorts.models import Institution
from config.roles import WIDYAISWARA

from .models import Rank
from .nip import nip_normalize, nip_parse


class EnrolForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        help_text=_("18 angka; spasi boleh, contoh 19860926 201505 1 001"),
    )
    name = forms.CharField(label=_("Nama lengkap dengan gelar"), max_length=200)
    rank = forms.ChoiceField(label=_("Pangkat/golongan"), choices=Rank.choices)
    position = forms.CharField(label=_("Jabatan"), max_length=200)
    agency = forms.ModelChoiceField(
        Institution.objects.exclude(kind=Institution.Kind.TRAINING_AGENCY), label=_("Instansi")
    )
    email = forms.EmailField(label=_("Surel"), required=False)
    coach = forms.ModelChoiceField(
        get_user_model().objects.filter(groups__name=WIDYAISWARA).order_by("first_name"),
        label=_("Coach (widyaiswara)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    def clean_nip(self):
        nip = nip_normalize(self.cleaned_data["nip"])
        try:
            nip_parse(nip)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return nip
