"""The page where an organiser's staff set the signatories its certificates print (issue 18),
next to the institution's certificate look."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.scope import institution_or_404
from config.permissions import can_issue_certificates, rule_required

from .forms import CertificateSignatoryForm
from .signatories import MAX_SIGNATORIES, signatory_delete, signatory_save
from .signatory_models import CertificateSignatory


def _page(request, institution, form, editing=None):
    signatories = (
        CertificateSignatory.objects.filter(institution=institution)
        .select_related("program")
        .order_by("program__name", "order", "pk")
    )
    return render(
        request,
        "documents/certificate_signatories.html",
        {
            "institution": institution,
            "signatories": signatories,
            "form": form,
            "editing": editing,
            "max_signatories": MAX_SIGNATORIES,
        },
    )


def _save(request, institution, form):
    """Save the valid form through the service; a fourth signatory is refused on the form,
    with what was typed kept."""
    signatory = form.save(commit=False)
    signatory.institution = institution
    try:
        signatory_save(signatory=signatory)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@rule_required(can_issue_certificates)
def certificate_signatories(request, pk):
    """The institution's signatories, and a form to add one (at most three per program)."""
    institution = institution_or_404(request.user, pk)
    form = CertificateSignatoryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _save(request, institution, form):
        messages.success(request, _("Penanda tangan sertifikat tersimpan."))
        return redirect("documents:certificate_signatories", pk=institution.pk)
    return _page(request, institution, form)


@rule_required(can_issue_certificates)
def certificate_signatory_edit(request, pk, signatory_pk):
    institution = institution_or_404(request.user, pk)
    signatory = get_object_or_404(CertificateSignatory, pk=signatory_pk, institution=institution)
    form = CertificateSignatoryForm(request.POST or None, request.FILES or None, instance=signatory)
    if request.method == "POST" and form.is_valid() and _save(request, institution, form):
        messages.success(request, _("Penanda tangan sertifikat tersimpan."))
        return redirect("documents:certificate_signatories", pk=institution.pk)
    return _page(request, institution, form, editing=signatory)


@require_POST
@rule_required(can_issue_certificates)
def certificate_signatory_delete(request, pk, signatory_pk):
    institution = institution_or_404(request.user, pk)
    # One already deleted (a second click) changes nothing, and the page says so alike.
    signatory = CertificateSignatory.objects.filter(pk=signatory_pk, institution=institution)
    signatory = signatory.first()
    if signatory is not None:
        signatory_delete(signatory=signatory)
    messages.success(request, _("Penanda tangan dihapus."))
    return redirect("documents:certificate_signatories", pk=institution.pk)
