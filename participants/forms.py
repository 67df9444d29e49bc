import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cohorts.models import Institution
from config.pagination import ListFilterForm
from config.roles import WIDYAISWARA
from config.users import user_label
from curriculum.models import EligibilityPolicy, PositionLevel

from .models import Attendance, Enrolment, Rank
from .nip import nip_normalize, nip_parse
from .selectors import ACCOUNT_ACTIVE, ACCOUNT_WAITING, UNGROUPED

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _widyaiswara():
    return get_user_model().objects.filter(groups__name=WIDYAISWARA).order_by("first_name")


def _nip_clean(value):
    nip = nip_normalize(value)
    try:
        nip_parse(nip)
    except ValidationError as error:
        raise forms.ValidationError(error.messages) from None
    return nip


class EnrolForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        help_text=_("18 angka; spasi boleh, contoh 19860926 201505 1 001"),
    )
    name = forms.CharField(label=_("Nama lengkap dengan gelar"), max_length=200)
    rank = forms.ChoiceField(label=_("Pangkat/golongan"), choices=Rank.choices)
    position = forms.CharField(label=_("Jabatan"), max_length=200)
    position_level = forms.ChoiceField(
        label=_("Jenjang jabatan"), choices=[("", "—"), *PositionLevel.choices], required=False
    )
    agency = forms.ModelChoiceField(
        Institution.objects.exclude(kind=Institution.Kind.TRAINING_AGENCY), label=_("Instansi")
    )
    email = forms.EmailField(label=_("Surel"), required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    coach = forms.ModelChoiceField(_widyaiswara(), label=_("Coach (widyaiswara)"), required=False)
    mentor_nip = forms.CharField(label=_("NIP mentor"), max_length=30, required=False)
    mentor_name = forms.CharField(label=_("Nama mentor"), max_length=200, required=False)
    mentor_position = forms.CharField(label=_("Jabatan mentor"), max_length=200, required=False)
    mentor_email = forms.EmailField(label=_("Surel mentor"), required=False)
    mentor_phone = forms.CharField(
        label=_("Telepon (WhatsApp) mentor"), max_length=30, required=False
    )
    override_reason = forms.CharField(
        label=_("Alasan pengecualian syarat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Isi hanya bila peserta tetap didaftarkan walau tidak memenuhi syarat."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].label_from_instance = user_label

    def clean_nip(self):
        return _nip_clean(self.cleaned_data["nip"])

    def clean_mentor_nip(self):
        value = self.cleaned_data["mentor_nip"]
        return _nip_clean(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        if data.get("mentor_nip") and not data.get("mentor_name"):
            self.add_error("mentor_name", _("Wajib diisi bila ada mentor."))
        return data

    def service_arguments(self):
        data = dict(self.cleaned_data)
        mentor = {
            "nip": data.pop("mentor_nip"),
            "name": data.pop("mentor_name"),
            "position": data.pop("mentor_position"),
            "email": data.pop("mentor_email"),
            "phone": data.pop("mentor_phone"),
        }
        data["mentor"] = mentor if mentor["nip"] else None
        return data


class SpreadsheetUploadForm(forms.Form):
    """An XLSX or CSV upload of at most 5 MB; subclasses name the file their page expects.
    What is inside is checked by participants.importing.spreadsheet_table."""

    file = forms.FileField()

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas lebih dari 5 MB."))
        if not uploaded.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Berkas harus CSV atau XLSX."))
        return uploaded


class ImportUploadForm(SpreadsheetUploadForm):
    file = forms.FileField(
        label=_("Berkas peserta (XLSX atau CSV)"),
        help_text=_("Paling besar 5 MB. Pakai templat agar kolomnya dikenali."),
    )


SORTS = [
    ("name", _("Nama")),
    ("nip", _("NIP")),
    ("agency", _("Instansi")),
    ("group", _("Kelompok")),
    ("-score", _("Nilai tertinggi")),
]


class RosterFilterForm(ListFilterForm):
    q = forms.CharField(label=_("Cari nama atau NIP"), required=False)
    agency = forms.ModelChoiceField(Institution.objects.none(), label=_("Instansi"), required=False)
    group = forms.ModelChoiceField(Institution.objects.none(), label=_("Kelompok"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Semua")), *Enrolment.Status.choices], required=False
    )
    sort = forms.ChoiceField(label=_("Urutkan"), choices=SORTS, required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Institution.objects.filter(
            participants__enrolments__cohort=cohort
        ).distinct()
        self.fields["group"].queryset = cohort.groups.all()


class StudyGroupForm(forms.Form):
    name = forms.CharField(label=_("Nama kelompok"), max_length=100)
    theme = forms.CharField(label=_("Tema"), max_length=100, required=False)
    coach = forms.ModelChoiceField(_widyaiswara(), label=_("Coach"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].label_from_instance = user_label


class GroupProposeForm(forms.Form):
    count = forms.IntegerField(label=_("Jumlah kelompok"), min_value=1, max_value=20, initial=3)


class SearchForm(ListFilterForm):
    """A long list's search box: a name, or any run of a NIP's digits."""

    q = forms.CharField(label=_("Cari nama atau NIP"), required=False, max_length=200)

    def filters(self):
        data = super().filters()
        return {**data, "q": (data.get("q") or "").strip()}


class GroupBoardFilterForm(SearchForm):
    """Which participants the groups board lists: a search, the text a group's name must
    match (`kelompok`: a name or a group's number, matched in SQL, so no select lists every
    group), and `group`, one group's id or UNGROUPED, as the summary's links send it."""

    kelompok = forms.CharField(label=_("Kelompok"), required=False, max_length=100)
    group = forms.RegexField(regex=rf"^([0-9]+|{UNGROUPED})$", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].widget = forms.HiddenInput()
        self.fields["kelompok"].widget.attrs["placeholder"] = _("Nama atau nomor")

    def filters(self):
        data = super().filters()
        return {**data, "kelompok": (data.get("kelompok") or "").strip()}


class InvitationFilterForm(SearchForm):
    """The invitation page's participants: a search, and those with or without an active
    account."""

    akun = forms.ChoiceField(
        label=_("Akun"),
        required=False,
        choices=[
            ("", _("Semua")),
            (ACCOUNT_WAITING, _("Belum aktif")),
            (ACCOUNT_ACTIVE, _("Aktif")),
        ],
    )


ERROR_NO_MEMBERS = _("Pilih dulu peserta yang dipindahkan.")
ERROR_NO_TARGET = _("Pilih kelompok tujuan.")


class GroupMovesForm(forms.Form):
    """The board's one picker: the ticked members (`members`, enrolment ids) and where they
    go (`target`: a group id, or UNGROUPED to take them out of their group). A
    `group-<enrolment id>` field moves one member on its own (a script, or a form saved before
    the board had its picker). Cleaned: `assignments`, enrolment id to group id or None (the
    service checks that both belong to the cohort)."""

    target = forms.CharField(required=False)

    def chosen(self):
        """The ticked members, as sent: the board ticks them again when the move is refused.
        Any number is accepted here: the service moves only the cohort's own enrolments."""
        return [int(v) for v in self.data.getlist("members") if re.fullmatch(r"[0-9]+", v)]

    def clean(self):
        data = super().clean()
        assignments = {
            int(match[1]): int(value) if re.fullmatch(r"[0-9]+", value) else None
            for key, value in self.data.items()
            if (match := re.fullmatch(r"group-(\d+)", key))
        }
        if not assignments:
            members, target = self.chosen(), data.get("target") or ""
            if not members:
                self.add_error(None, ERROR_NO_MEMBERS)
            if not target:
                self.add_error("target", ERROR_NO_TARGET)
            group = int(target) if re.fullmatch(r"[0-9]+", target) else None
            assignments = dict.fromkeys(members, group)
        data["assignments"] = assignments
        return data


class EligibilityPolicyForm(forms.ModelForm):
    allowed_levels = forms.MultipleChoiceField(
        label=_("Jenjang jabatan yang boleh ikut"),
        choices=PositionLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosongkan untuk semua jenjang."),
    )

    class Meta:
        model = EligibilityPolicy
        fields = [
            "allowed_levels",
            "min_years_before_retirement",
            "max_per_agency",
            "refuse_overlapping",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level, label in PositionLevel.choices:
            self.fields[f"bup_{level}"] = forms.IntegerField(
                label=_("BUP %(level)s (tahun)") % {"level": label},
                min_value=50,
                max_value=70,
                initial=self.instance.retirement_age(level),
            )


ERROR_ATTENDANCE_NOT_SAVED = _(
    "Belum ada presensi yang disimpan: perbaiki baris yang ditandai merah."
)
ROW_ATTENDANCE = _("%(participant)s, Kehadiran: pilih Hadir, Izin, Sakit, atau Alpa.")


class AttendanceForm(forms.Form):
    """One choice per enrolled participant; rows left empty are not recorded. A refused row
    names its participant and the column; the other rows keep what was chosen."""

    def __init__(self, *args, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        for enrolment in roster:
            self.fields[f"status-{enrolment.pk}"] = forms.ChoiceField(
                label=enrolment.participant.name,
                choices=Attendance.Status.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=enrolment.day_status,
            )

    def clean(self):
        cleaned = super().clean()
        for enrolment in self.roster:
            name = f"status-{enrolment.pk}"
            if name in self._errors:
                where = {"participant": enrolment.participant.name}
                self._errors[name] = self.error_class([ROW_ATTENDANCE % where])
        if self._errors:
            self.add_error(None, ERROR_ATTENDANCE_NOT_SAVED)
        return cleaned

    def rows(self):
        return [(enrolment, self[f"status-{enrolment.pk}"]) for enrolment in self.roster]

    def statuses(self):
        return {
            enrolment.pk: self.cleaned_data[f"status-{enrolment.pk}"]
            for enrolment in self.roster
            if self.cleaned_data.get(f"status-{enrolment.pk}")
        }


class MentorContactForm(forms.Form):
    """A mentor's e-mail address and WhatsApp number, corrected before an invitation."""

    email = forms.EmailField(label=_("Surel"), required=False)
    phone = forms.CharField(label=_("Telepon (WhatsApp)"), max_length=30, required=False)
