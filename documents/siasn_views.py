"""Kirim ke SIASN: per graduate of a cohort, whether their certificate is in SIASN."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404, works_for_organiser
from config.integrations import siasn
from config.pagination import page_of
from config.permissions import can_issue_certificates, rule_required

from .siasn_sync import cohort_certificates, siasn_push_request, siasn_summary


def _organisers_cohort(request, cohort_pk):
    """The cohort, for staff of its organiser: SIASN records the organiser's training, so a
    co-organiser's staff do not push it (404, as for another agency's cohort)."""
    cohort = cohort_or_404(
        request.user, cohort_pk, Cohort.objects.select_related("program", "organiser")
    )
    if not works_for_organiser(request.user, cohort):
        raise Http404
    return cohort


@rule_required(can_issue_certificates)
def siasn_sync_page(request, cohort_pk):
    cohort = _organisers_cohort(request, cohort_pk)
    summary = siasn_summary(cohort)
    rows = page_of(request, cohort_certificates(cohort), count=summary["total"])
    context = {
        "cohort": cohort,
        "summary": summary,
        "rows": rows,
        "not_configured": siasn.configuration_problem(),
    }
    return render(request, "documents/siasn_sync.html", context)


@require_POST
@rule_required(can_issue_certificates)
def siasn_push(request, cohort_pk, pk=None):
    """Kirim semua (no `pk`) or one certificate's retry."""
    cohort = _organisers_cohort(request, cohort_pk)
    problem = siasn.configuration_problem()
    if problem:
        messages.error(request, problem)
        return redirect("documents:siasn_sync", cohort_pk=cohort.pk)
    certificate = None
    if pk is not None:
        certificate = get_object_or_404(cohort_certificates(cohort), pk=pk)
    count = siasn_push_request(cohort=cohort, requested_by=request.user, certificate=certificate)
    if count:
        messages.success(
            request,
            _("%(count)s sertifikat dikirim ke SIASN di latar belakang; muat ulang halaman ini.")
            % {"count": count},
        )
    else:
        messages.info(request, _("Tidak ada sertifikat yang perlu dikirim ke SIASN."))
    return redirect("documents:siasn_sync", cohort_pk=cohort.pk)
