from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.pagination import ListFilterForm
from config.roles import WIDYAISWARA
from config.users import user_label
from curriculum.models import Program

from .models import Institution, Speaker
from .services import ERROR_TWO_TEACHERS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CohortCreateForm(forms.Form):
    program = forms.ModelChoiceField(Program.objects.all(), label=_("Program"))
    organiser = forms.ModelChoiceField(
        Institution.objects.filter(kind=Institution.Kind.TRAINING_AGENCY),
        label=_("Penyelenggara"),
    )
    co_organiser = forms.ModelChoiceField(
        Institution.objects.filter(kind=Institution.Kind.TRAINING_AGENCY),
        label=_("Penyelenggara pendamping"),
        required=False,
        help_text=_(
            "Lembaga lain yang ikut menyelenggarakan; stafnya ikut mengelola angkatan ini."
        ),
    )
    on_behalf_of = forms.ModelChoiceField(
        Institution.objects.exclude(
            kind__in=[Institution.Kind.UNIT, Institution.Kind.LOCAL_GOVERNMENT]
        ),
        label=_("Atas nama"),
        required=False,
        help_text=_("Lembaga yang diwakili, misalnya LAN RI untuk PKN Tingkat II."),
    )
    on_behalf_signs = forms.BooleanField(
        label=_("Cetak blok tanda tangan lembaga yang diwakili (a.n.) pada sertifikat"),
        required=False,
    )
    angkatan = forms.IntegerField(label=_("Angkatan ke-"), min_value=1, max_value=9999)
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=DATE_INPUT)
    venue = forms.CharField(label=_("Tempat (klasikal)"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Kapasitas"),
        min_value=1,
        required=False,
        help_text=_("Kosongkan untuk memakai kapasitas bawaan program."),
    )

    def __init__(self, *args, organisers=None, **kwargs):
        """organisers: the agencies the user may create a cohort for (cohorts.scope)."""
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        if organisers is not None:
            self.fields["organiser"].queryset = organisers
            only = list(organisers[:2])
            if len(only) == 1:
                self.fields["organiser"].initial = only[0]

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if not 2000 <= start.year <= 2100:
            raise forms.ValidationError(_("Tanggal mulai harus antara tahun 2000 dan 2100."))
        return start

    def clean(self):
        data = super().clean()
        organiser, co_organiser = data.get("organiser"), data.get("co_organiser")
        if organiser and co_organiser == organiser:
            self.add_error(
                "co_organiser", _("Penyelenggara pendamping harus berbeda dari penyelenggara.")
            )
        on_behalf_of = data.get("on_behalf_of")
        if on_behalf_of and on_behalf_of == organiser:
            self.add_error(
                "on_behalf_of", _("Lembaga yang diwakili harus berbeda dari penyelenggara.")
            )
        if data.get("on_behalf_signs") and not on_behalf_of:
            self.add_error("on_behalf_signs", _("Pilih dahulu lembaga yang diwakili (atas nama)."))
        year, start = data.get("year"), data.get("start_date")
        if year and start and abs(year - start.year) > 1:
            self.add_error("year", _("Tahun angkatan tidak sesuai dengan tanggal mulai."))
        return data


def _within_range(value):
    if not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Tanggal harus antara tahun 2000 dan 2100."))
    return value


class PhaseDatesForm(forms.Form):
    start_date = forms.DateField(label=_("Mulai"), widget=DATE_INPUT, validators=[_within_range])
    end_date = forms.DateField(label=_("Selesai"), widget=DATE_INPUT, validators=[_within_range])
    shift_later = forms.BooleanField(
        label=_("Geser tahap sesudahnya"),
        required=False,
        help_text=_(
            "Tahap-tahap berikutnya dijadwalkan ulang setelah tahap ini, menurut lama dan "
            "aturan harinya masing-masing."
        ),
    )


class SessionForm(forms.Form):
    start_time = forms.TimeField(label=_("Mulai"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Selesai"), widget=forms.TimeInput(attrs={"type": "time"}))
    subject = forms.CharField(label=_("Mata pelatihan"), max_length=200)
    widyaiswara = forms.ModelChoiceField(
        get_user_model().objects.filter(groups__name=WIDYAISWARA).order_by("first_name"),
        label=_("Widyaiswara"),
        required=False,
    )
    speaker = forms.ModelChoiceField(
        Speaker.objects.none(),
        label=_("atau narasumber luar"),
        required=False,
        help_text=_("Dari daftar narasumber penyelenggara (pakar, praktisi, pejabat)."),
    )
    room = forms.CharField(label=_("Ruang"), max_length=100, required=False)
    jp = forms.IntegerField(
        label=_("JP"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Kosongkan untuk menghitung dari lama sesi: 1 JP = 45 menit."),
    )

    def __init__(self, *args, subjects=(), speakers=None, **kwargs):
        """speakers: the organiser's register (cohorts.models.Speaker)."""
        super().__init__(*args, **kwargs)
        self.fields["widyaiswara"].label_from_instance = user_label
        if speakers is not None:
            self.fields["speaker"].queryset = speakers
        self.fields["speaker"].label_from_instance = lambda speaker: (
            f"{speaker.name}, {speaker.position}" if speaker.position else speaker.name
        )
        # Suggest the phase's subjects, still allowing any title (an opening, a visit).
        self.fields["subject"].widget.attrs["list"] = "subjects"
        self.subjects = subjects

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            raise forms.ValidationError(_("Jam selesai harus sesudah jam mulai."))
        if data.get("widyaiswara") and data.get("speaker"):
            self.add_error("speaker", ERROR_TWO_TEACHERS)
        return data


class SpeakerForm(forms.Form):
    institution = forms.ModelChoiceField(
        Institution.objects.none(), label=_("Daftar milik"), empty_label=None
    )
    name = forms.CharField(
        label=_("Nama dan gelar"),
        max_length=200,
        help_text=_("Seperti ditulis di surat, misalnya Dr. Hary Wahyudi, S.H., M.Si."),
    )
    kind = forms.ChoiceField(label=_("Jenis"), choices=Speaker.Kind.choices)
    origin = forms.CharField(label=_("Instansi asal"), max_length=200, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    email = forms.EmailField(label=_("Surel"), required=False)

    def __init__(self, *args, institutions=None, editing=False, **kwargs):
        """institutions: the registers the user keeps (cohorts.scope). Editing a speaker
        keeps their register: the field is left out."""
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["institution"]
        elif institutions is not None:
            self.fields["institution"].queryset = institutions


class SpeakerFilterForm(ListFilterForm):
    q = forms.CharField(label=_("Cari nama"), required=False)


class NonWorkingDayForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=DATE_INPUT, validators=[_within_range])
    name = forms.CharField(label=_("Keterangan"), max_length=200)
