"""Pages of signing through BSrE: the institution's signatory (staff), the signer's queue
and a batch's approval page (the signer approves; staff of the institution watch)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.scope import institution_or_404, within_reach
from config.pagination import page_of
from config.permissions import (
    can_issue_certificates,
    can_manage_cohorts,
    object_checked_in_view,
    rule_required,
)

from .bsre_models import NIK_VALIDATOR, BatchSigning, CertificateSignature, InstitutionSigner
from .bsre_signing import (
    ERROR_APPROVAL_EXPIRED,
    is_signer,
    signer_of,
    signing_approve,
    signing_resume,
    signing_stalled_interrupt,
)

ERROR_NIK_REQUIRED = gettext_lazy("Isi NIK pemilik sertifikat elektronik BSrE.")
ERROR_SEAL_REQUIRED = gettext_lazy("Isi ID segel (idSubscriber) dari BSrE.")
ERROR_USER_REQUIRED = gettext_lazy("Pilih akun yang menyetujui penandatanganan.")


class InstitutionSignerForm(forms.ModelForm):
    class Meta:
        model = InstitutionSigner
        fields = ["mode", "user", "name", "nip", "title", "acting", "nik", "seal_id"]

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        # The approving account is one of the institution's own accounts.
        self.fields["user"].queryset = institution.staff.order_by("username")
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["user"].help_text = _(
            "Akun pimpinan (atau Plt.) yang menyetujui dan menandatangani penerbitan lewat BSrE."
        )

    def clean_nip(self):
        return "".join(self.cleaned_data["nip"].split())

    def clean_nik(self):
        return "".join(self.cleaned_data["nik"].split())

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode in (InstitutionSigner.Mode.BSRE, InstitutionSigner.Mode.SEAL) and not data.get(
            "user"
        ):
            self.add_error("user", ERROR_USER_REQUIRED)
        if mode == InstitutionSigner.Mode.BSRE and not data.get("nik"):
            self.add_error("nik", ERROR_NIK_REQUIRED)
        if mode == InstitutionSigner.Mode.SEAL and not data.get("seal_id"):
            self.add_error("seal_id", ERROR_SEAL_REQUIRED)
        return data


class ApprovalForm(forms.Form):
    """NIK and passphrase (a person), or the seal's code: never stored (bsre_signing)."""

    nik = forms.CharField(label=gettext_lazy("NIK"), max_length=20, required=False,
                          validators=[NIK_VALIDATOR])  # fmt: skip
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase"), required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    totp = forms.CharField(
        label=gettext_lazy("Kode TOTP segel"), max_length=6, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip

    def __init__(self, *args, seal, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("totp",) if not seal else ("nik", "passphrase"):
            del self.fields[name]


@rule_required(can_issue_certificates)
def institution_signer(request, pk):
    """Who signs the institution's certificates: the local key or BSrE, name, NIP, title
    and Plt."""
    institution = institution_or_404(request.user, pk)
    signer = signer_of(institution.pk) or InstitutionSigner(
        institution=institution,
        name=institution.head_name,
        nip=institution.head_nip,
        title=institution.head_title,
    )
    form = InstitutionSignerForm(request.POST or None, instance=signer, institution=institution)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Penanda tangan sertifikat tersimpan."))
        return redirect("documents:institution_signer", pk=institution.pk)
    return render(
        request,
        "documents/institution_signer.html",
        {"institution": institution, "form": form, "signer": signer},
    )


# Every staff account has the menu link (knowing who signs would cost a query on every page);
# the page tells an account that signs for no institution how one becomes a signer.
@rule_required(can_manage_cohorts)
def signing_queue(request):
    """The batches waiting for the signed-in signer, and those they signed."""
    signings = (
        BatchSigning.objects.filter(batch__cohort__organiser__signer__user=request.user)
        .select_related("batch__cohort__program", "batch__cohort__organiser")
        .order_by("-created_at")
    )
    return render(
        request,
        "documents/signing_queue.html",
        {"signings": page_of(request, signings), "is_signer": is_signer(request.user)},
    )


def _signing_for(request, pk):
    """The batch's signing and whether the user is its signer. The signer of the organiser
    approves; the organiser's staff watch; anyone else gets 404, as for a batch that does
    not exist."""
    signings = BatchSigning.objects.select_related(
        "batch__cohort__program", "batch__cohort__organiser"
    )
    signing = signings.filter(
        batch_id=pk, batch__cohort__organiser__signer__user=request.user
    ).first()
    if signing is not None:
        return signing, True
    if can_issue_certificates(request.user):
        return get_object_or_404(
            within_reach(signings, request.user, "batch__cohort"), batch_id=pk
        ), False
    if not can_manage_cohorts(request.user):
        # Participants and widyaiswara: not a page of their role, as on every staff page.
        raise PermissionDenied
    raise Http404


@rule_required(object_checked_in_view)
def batch_signing(request, pk):
    signing, signer_here = _signing_for(request, pk)
    if signing_stalled_interrupt(signing):
        signing.refresh_from_db(fields=["state", "error"])
    signer = signer_of(signing.batch.cohort.organiser_id)
    seal = signer is not None and signer.mode == InstitutionSigner.Mode.SEAL
    form = ApprovalForm(request.POST or None, seal=seal)
    if request.method == "POST":
        if not signer_here:
            raise PermissionDenied
        if request.POST.get("action") == "resume":
            try:
                signing_resume(signing=signing, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("documents:batch_signing", pk=pk)
            messages.success(request, _("Penandatanganan dilanjutkan."))
            return redirect("documents:batch_signing", pk=pk)
        if form.is_valid():
            try:
                signing_approve(signing=signing, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Disetujui. Sertifikat sedang ditandatangani BSrE."))
                return redirect("documents:batch_signing", pk=pk)
    rows = (
        CertificateSignature.objects.filter(signing=signing)
        .select_related("certificate__enrolment__participant")
        .order_by("certificate__series_id", "certificate__seq")
    )
    context = {
        "signing": signing,
        "batch": signing.batch,
        "signer_here": signer_here,
        "form": form,
        "seal": seal,
        "rows": page_of(request, rows),
        "events": signing.events.select_related("actor"),
        "expired_message": ERROR_APPROVAL_EXPIRED,
        "refresh": signing.state in (BatchSigning.State.QUEUED, BatchSigning.State.SIGNING),
    }
    return render(request, "documents/batch_signing.html", context)
