from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Institution
from config.pagination import ListFilterForm
from config.uploads import document_kind_of
from participants.nip import nip_parse

from .numbering import ERROR_PATTERN_SEQ, pattern_check
from .signatory_models import CertificateSignatory

IMAGE_MAX_BYTES = 2 * 1024 * 1024
ERROR_PROOF_MISSING = _(
    "Isi juga kode cek yang tercetak di samping nomor, atau tanggal lahir pemegang sertifikat."
)


class InstitutionCertificateForm(forms.ModelForm):
    """How an institution's certificates look: signatory, images and wording."""

    # Typed as printed, with spaces: `19700101 199003 1 001`.
    head_nip = forms.CharField(label=_("NIP pimpinan"), max_length=25, required=False)

    class Meta:
        model = Institution
        fields = ["city", "head_name", "head_nip", "head_title", "logo", "head_signature",
                  "certificate_title", "certificate_basis", "certificate_transcript"]  # fmt: skip
        widgets = {"certificate_basis": forms.Textarea(attrs={"rows": 3})}

    def _image(self, name):
        upload = self.cleaned_data.get(name)
        if upload and hasattr(upload, "content_type"):
            if upload.size > IMAGE_MAX_BYTES:
                raise forms.ValidationError(_("Gambar paling besar 2 MB."))
            if document_kind_of(upload) not in ("png", "jpg"):
                raise forms.ValidationError(_("Gambar harus PNG atau JPG."))
        return upload

    def clean_logo(self):
        return self._image("logo")

    def clean_head_signature(self):
        return self._image("head_signature")

    def clean_head_nip(self):
        value = "".join(self.cleaned_data["head_nip"].split())
        if value:
            nip_parse(value)
        return value


class NumberingForm(forms.Form):
    """An institution's numbering patterns: one field for all its programs (required), and
    one per program (empty: the general pattern applies). Each is checked on its own, so the
    page marks the field that is wrong and keeps what was typed."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.programs = {}
        for program, pattern in rows:
            name = f"pattern-{program.pk if program else 'all'}"
            self.programs[name] = program
            self.fields[name] = forms.CharField(
                label=program.name if program else _("Semua program"),
                initial=pattern,
                required=program is None,
                error_messages={"required": ERROR_PATTERN_SEQ},
                max_length=200,
                validators=[pattern_check],
            )

    def patterns(self):
        """The cleaned patterns by program id (None for the general one)."""
        return {
            (program.pk if program else None): self.cleaned_data[name].strip()
            for name, program in self.programs.items()
        }


class ReasonForm(forms.Form):
    """Why a certificate is revoked or reissued; the service refuses an empty reason."""

    reason = forms.CharField(label=_("Alasan"), required=False, widget=forms.Textarea)


class VerifyLookupForm(forms.Form):
    """A public lookup by the number printed on a certificate. Numbers are sequential, so the
    number alone would let anyone list every holder: the check code printed beside it, or the
    holder's birth date (for certificates printed before codes existed), must come with it."""

    nomor = forms.CharField(label=_("Nomor sertifikat"), max_length=200)
    kode = forms.CharField(label=_("Kode cek"), max_length=12, required=False)
    lahir = forms.DateField(
        label=_("atau tanggal lahir pemegang"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_nomor(self):
        return " ".join(self.cleaned_data["nomor"].split())

    def clean_kode(self):
        return "".join(self.cleaned_data["kode"].split()).upper()

    def clean(self):
        data = super().clean()
        if not data.get("kode") and not data.get("lahir") and not self.errors:
            raise forms.ValidationError(ERROR_PROOF_MISSING)
        return data


class CertificateSearchForm(ListFilterForm):
    q = forms.CharField(label=_("Cari nama, NIP, atau nomor"), required=False, max_length=200)


class DocumentsFilterForm(ListFilterForm):
    q = forms.CharField(
        label=_("Cari program, kode, atau penyelenggara"), required=False, max_length=200
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Semua")),
            ("queued", _("Menunggu")),
            ("running", _("Berjalan")),
            ("done", _("Selesai")),
            ("failed", _("Gagal")),
        ],
        required=False,
    )


class CertificateSignatoryForm(forms.ModelForm):
    """One signature block of the institution's certificates (documents.signatories)."""

    # Typed as printed, with spaces: `19700101 199003 1 001`.
    nip = forms.CharField(label=_("NIP"), max_length=25, required=False)

    class Meta:
        model = CertificateSignatory
        fields = ["program", "order", "name", "nip", "title", "acting", "signature"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].empty_label = _("Semua program")
        self.fields["order"].help_text = _("Dicetak dari kiri ke kanan menurut urutan.")

    def clean_signature(self):
        upload = self.cleaned_data.get("signature")
        if upload and hasattr(upload, "content_type"):
            if upload.size > IMAGE_MAX_BYTES:
                raise forms.ValidationError(_("Gambar paling besar 2 MB."))
            if document_kind_of(upload) not in ("png", "jpg"):
                raise forms.ValidationError(_("Gambar harus PNG atau JPG."))
        return upload

    def clean_nip(self):
        value = "".join(self.cleaned_data["nip"].split())
        if value:
            nip_parse(value)
        return value
