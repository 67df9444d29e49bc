from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.permissions import (
    can_download_certificate,
    can_issue_certificates,
    can_manage_cohorts,
    can_view_documents,
    ensure,
    rule_required,
    signed_in,
)

from . import selectors
from .certificates import certificate_batch_start, enrolments_passing
from .forms import CohortCreateForm
from .models import Certificate, CertificateBatch, Cohort
from .services import cohort_create


@rule_required(can_manage_cohorts)
def cohort_list(request):
    return render(request, "cohorts/cohort_list.html", {"cohorts": selectors.cohort_list()})


@rule_required(can_manage_cohorts)
def cohort_create_view(request):
    form = CohortCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:
            form.add_error(None, _("Angkatan dengan nomor dan tahun ini sudah ada."))
        else:
            messages.success(request, _("Angkatan dibuat dan tahapnya dijadwalkan."))
            return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form})


@rule_required(can_manage_cohorts)
def cohort_detail(request, pk):
    try:
        cohort = selectors.cohort_with_phases(pk)
    except Cohort.DoesNotExist:
        raise Http404 from None
    roster = list(selectors.cohort_roster(cohort))
    phases = list(cohort.phases.all())
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "phases": phases,
            "total_jp": sum(p.jp for p in phases),
            "roster": roster,
            "passing": sum(1 for e in roster if e.project.passes),
            "latest_batch": cohort.certificate_batches.first(),
        },
    )


@require_POST
@rule_required(can_issue_certificates)
def certificates_issue_view(request, pk):
    cohort = get_object_or_404(Cohort, pk=pk)
    try:
        batch = certificate_batch_start(cohort=cohort, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(cohort)
    messages.success(
        request,
        _("Penerbitan sertifikat untuk %(count)s peserta dimulai.")
        % {"count": len(enrolments_passing(cohort))},
    )
    return redirect(batch)


@rule_required(can_issue_certificates)
def batch_detail(request, pk):
    batch = get_object_or_404(
        CertificateBatch.objects.select_related("cohort__program", "cohort__organiser"), pk=pk
    )
    certificates = selectors.batch_certificates(batch) if batch.is_finished else []
    return render(
        request, "cohorts/batch_detail.html", {"batch": batch, "certificates": certificates}
    )


@rule_required(can_issue_certificates)
def batch_status(request, pk):
    batch = get_object_or_404(CertificateBatch, pk=pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "rendered": batch.rendered,
            "total": batch.total,
            "percent": batch.percent,
            "finished": batch.is_finished,
            "error": batch.error,
        }
    )


@rule_required(signed_in)
def certificate_download(request, pk):
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrolment__participant"), pk=pk
    )
    ensure(can_download_certificate(request.user, certificate))
    if not certificate.pdf:
        raise Http404(_("Berkas sertifikat belum dibuat."))
    filename = f"STTP-{certificate.enrolment.participant.nip}.pdf"
    return FileResponse(certificate.pdf.open("rb"), as_attachment=True, filename=filename)


@rule_required(can_view_documents)
def documents(request):
    return render(request, "cohorts/documents.html", {"batches": selectors.batches_recent()[:100]})


def verify(request, verification_id):
    """Public: anyone holding the QR link sees whether the certificate is genuine."""
    certificate = (
        Certificate.objects.select_related(
            "enrolment__participant",
            "enrolment__project",
            "enrolment__cohort__program",
            "enrolment__cohort__organiser",
        )
        .filter(verification_id=verification_id)
        .first()
    )
    status = 200 if certificate else 404
    return render(request, "cohorts/verify.html", {"certificate": certificate}, status=status)
