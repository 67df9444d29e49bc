"""Forms of the field visit pages (participants.visit_views)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from cohorts.scope import cohorts_within_reach, organisers_for
from config.roles import WIDYAISWARA
from config.uploads import document_kind_of

from .visit_models import VisitActivity, VisitHost
from .visits import MAX_PHOTOS, activity_check

PHOTO_MAX_BYTES = 5 * 1024 * 1024
ERROR_PHOTO_KIND = _("Foto “%(name)s” bukan gambar JPG atau PNG.")
ERROR_PHOTO_SIZE = _("Foto “%(name)s” lebih besar dari 5 MB.")
ERROR_PHOTO_COUNT = _("Paling banyak %(max)s foto sekali kirim.")


class VisitForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    destination = forms.CharField(label=_("Daerah tujuan"), max_length=200)
    organiser = forms.ModelChoiceField(label=_("Penyelenggara"), queryset=None)
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=forms.DateInput(
        attrs={"type": "date"}))  # fmt: skip
    end_date = forms.DateField(label=_("Tanggal selesai"), widget=forms.DateInput(
        attrs={"type": "date"}))  # fmt: skip
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Angkatan peserta"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Boleh dari beberapa program dan penyelenggara."),
    )

    def __init__(self, *args, user, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers_for(user)
        # The user's cohorts, and those the visit already takes from other organisers (kept
        # when the form is saved); the latest first: a visit takes cohorts that are running.
        cohorts = Cohort.objects.filter(pk__in=cohorts_within_reach(user).values("pk"))
        if visit is not None:
            cohorts = Cohort.objects.filter(
                Q(pk__in=cohorts.values("pk")) | Q(pk__in=visit.cohorts.values("pk"))
            )
        self.fields["cohorts"].queryset = cohorts.select_related("program").order_by(
            "-start_date", "program__name", "angkatan"
        )

    def clean_cohorts(self):
        return list(self.cleaned_data["cohorts"])


class HostForm(forms.ModelForm):
    class Meta:
        model = VisitHost
        fields = ["agency_name", "contact_name", "contact_phone", "topic"]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = VisitActivity
        fields = ["date", "start_time", "end_time", "title", "place", "host", "by_group"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.fields["host"].queryset = visit.hosts.order_by("pk")

    def clean(self):
        """The service's checks, on their fields (before the model's own constraint, whose
        message is not written for people)."""
        data = super().clean()
        if all(data.get(name) for name in ("date", "start_time", "end_time")):
            try:
                activity_check(self.visit, date=data["date"], start_time=data["start_time"],
                               end_time=data["end_time"])  # fmt: skip
            except forms.ValidationError as error:
                for field, errors in error.error_dict.items():
                    self.add_error(field, errors)
        return data


class SplitForm(forms.Form):
    bus_capacity = forms.IntegerField(label=_("Kapasitas bus (kursi peserta)"), min_value=1,
                                      max_value=200)  # fmt: skip
    group_count = forms.IntegerField(
        label=_("Jumlah kelompok"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Kosongkan: sebanyak bus yang diperlukan."),
    )
    widyaiswara = forms.ModelMultipleChoiceField(
        label=_("Pendamping widyaiswara"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    committee = forms.CharField(
        label=_("Pendamping panitia"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu nama per baris."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["widyaiswara"].queryset = (
            get_user_model().objects.filter(groups__name=WIDYAISWARA).order_by("first_name")
        )

    def escorts(self):
        names = [n.strip() for n in self.cleaned_data["committee"].splitlines() if n.strip()]
        return [*self.cleaned_data["widyaiswara"], *names]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class VisitReportForm(forms.Form):
    text = forms.CharField(
        label=_("Isi laporan"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Apa yang Anda pelajari dari tuan rumah, dan apa yang dapat diterapkan di "
            "instansi Anda."
        ),  # fmt: skip
        error_messages={"required": _("Tuliskan isi laporan studi lapangan.")},
    )
    photos = PhotosField(
        label=_("Foto kegiatan"),
        required=False,
        help_text=_("JPG atau PNG, paling besar 5 MB per foto, paling banyak 5 foto."),
    )

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(ERROR_PHOTO_COUNT, params={"max": MAX_PHOTOS})
        errors = []
        for photo in photos:
            if photo.size > PHOTO_MAX_BYTES:
                errors.append(forms.ValidationError(ERROR_PHOTO_SIZE, params={"name": photo.name}))
            elif document_kind_of(photo) not in ("jpg", "png"):
                errors.append(forms.ValidationError(ERROR_PHOTO_KIND, params={"name": photo.name}))
        if errors:
            raise forms.ValidationError(errors)
        return photos


class ScoreForm(forms.Form):
    """The escort's score of one report (projects.visit_scores)."""

    score = forms.DecimalField(
        label=_("Nilai"), min_value=0, max_value=100, decimal_places=2, max_digits=5,
        error_messages={"min_value": _("Nilai laporan harus antara 0 dan 100."),
                        "max_value": _("Nilai laporan harus antara 0 dan 100.")},
    )  # fmt: skip
