"""Certificate pages beyond issuing: one certificate's history, revoking and reissuing it,
the public lookup by number, and an institution's numbering patterns."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from config.permissions import can_issue_certificates, can_manage_cohorts, public, rule_required
from curriculum.models import Program

from .certificates import (
    NUMBER_PATTERN,
    certificate_reissue,
    certificate_revoke,
    image_data_uri,
    number_of,
    pattern_check,
)
from .forms import InstitutionCertificateForm
from .models import (
    Certificate,
    CertificateBatch,
    CertificateEvent,
    CohortPhase,
    Institution,
    NumberingPattern,
    PhaseReport,
)
from .reports import phase_report_make

CERTIFICATE_RELATED = (
    "enrolment__participant",
    "enrolment__cohort__program",
    "enrolment__cohort__organiser",
)


def verify_rate(group, request):
    return settings.VERIFY_RATE


def too_many(request):
    return render(request, "cohorts/verify_limited.html", status=429)


@public("anyone may look a certificate up by the number printed on it")
@ratelimit(key="ip", rate=verify_rate, group="verify", block=False)
def verify_lookup(request):
    """Public: find a certificate by its number (a reissued one by its old number too)."""
    if getattr(request, "limited", False):
        return too_many(request)
    number = " ".join(request.GET.get("nomor", "").split())
    if not number:
        return render(request, "cohorts/verify_lookup.html")
    certificate = Certificate.objects.filter(number=number).first()
    if certificate is None:
        event = CertificateEvent.objects.filter(number=number).select_related("certificate")
        certificate = getattr(event.first(), "certificate", None)
    if certificate is not None:
        return redirect("verify", verification_id=certificate.verification_id)
    return render(
        request, "cohorts/verify_lookup.html", {"number": number, "not_found": True}, status=404
    )


@rule_required(can_issue_certificates)
def certificate_detail(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related(*CERTIFICATE_RELATED), pk=pk)
    return render(
        request,
        "cohorts/certificate_detail.html",
        {
            "certificate": certificate,
            "events": certificate.events.select_related("actor"),
        },
    )


@require_POST
@rule_required(can_issue_certificates)
def certificate_change(request, pk, action):
    certificate = get_object_or_404(Certificate, pk=pk)
    change = certificate_revoke if action == "revoke" else certificate_reissue
    try:
        certificate = change(
            certificate=certificate, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if action == "revoke":
            messages.success(request, _("Sertifikat %(number)s dicabut.") % {"number": certificate})
        else:
            messages.success(
                request,
                _("Sertifikat diterbitkan ulang dengan nomor %(number)s.")
                % {"number": certificate},
            )
    return redirect("cohorts:certificate_detail", pk=pk)


@rule_required(can_issue_certificates)
def numbering(request, pk):
    """An institution's certificate numbering: one pattern for all programs, and any program's
    own pattern."""
    institution = get_object_or_404(Institution, pk=pk)
    programs = list(Program.objects.order_by("name"))
    current = {p.program_id: p.pattern for p in institution.numbering_patterns.all()}
    rows = [(None, _("Semua program"), current.get(None, NUMBER_PATTERN))] + [
        (program, program.name, current.get(program.pk, "")) for program in programs
    ]
    errors = {}
    if request.method == "POST":
        submitted = {}
        for program, _label, _value in rows:
            key = f"pattern-{program.pk if program else 'all'}"
            value = request.POST.get(key, "").strip()
            submitted[program.pk if program else None] = value
            if value or program is None:
                try:
                    pattern_check(value)
                except ValidationError as error:
                    errors[key] = " ".join(error.messages)
        if not errors:
            with transaction.atomic():
                for program_id, value in submitted.items():
                    if value:
                        NumberingPattern.objects.update_or_create(
                            institution=institution, program_id=program_id,
                            defaults={"pattern": value},
                        )  # fmt: skip
                    else:
                        NumberingPattern.objects.filter(
                            institution=institution, program_id=program_id
                        ).delete()
            messages.success(request, _("Pola nomor sertifikat tersimpan."))
            return redirect("cohorts:numbering", pk=institution.pk)
        rows = [
            (program, label, submitted[program.pk if program else None])
            for program, label, _value in rows
        ]
    cohort = institution.organised_cohorts.select_related("program", "organiser").first()
    return render(
        request,
        "cohorts/numbering.html",
        {
            "institution": institution,
            "rows": [
                (f"pattern-{p.pk if p else 'all'}", label, value, errors.get(
                    f"pattern-{p.pk if p else 'all'}"))
                for p, label, value in rows
            ],
            "example": number_of(cohort, 1, current.get(cohort.program_id) or current.get(None)
                                 or NUMBER_PATTERN) if cohort else None,
        },
    )  # fmt: skip


@rule_required(can_issue_certificates)
def batch_file(request, pk, kind):
    """A finished batch's merged PDF or ZIP of every certificate."""
    batch = get_object_or_404(CertificateBatch, pk=pk)
    field = batch.merged_pdf if kind == "pdf" else batch.archive
    if not field:
        raise Http404(_("Berkas ini belum dibuat."))
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1]
    )


@rule_required(can_issue_certificates)
def institution_certificate(request, pk):
    """An institution's certificate look: signatory, logo, signature image and wording."""
    institution = get_object_or_404(Institution, pk=pk)
    form = InstitutionCertificateForm(
        request.POST or None, request.FILES or None, instance=institution
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Tampilan sertifikat tersimpan."))
        return redirect("cohorts:institution_certificate", pk=institution.pk)
    return render(
        request,
        "cohorts/institution_certificate.html",
        {
            "institution": institution,
            "form": form,
            "logo_uri": image_data_uri(institution.logo.name),
            "signature_uri": image_data_uri(institution.head_signature.name),
        },
    )


@require_POST
@rule_required(can_manage_cohorts)
def phase_report_request(request, pk, phase_pk):
    phase = get_object_or_404(CohortPhase, pk=phase_pk, cohort_id=pk)
    report = phase_report_make(phase=phase, requested_by=request.user)
    messages.success(request, _("Laporan tahap dibuat."))
    return redirect("cohorts:phase_report", pk=report.pk)


@rule_required(can_manage_cohorts)
def phase_report_download(request, pk):
    report = get_object_or_404(PhaseReport, pk=pk)
    return FileResponse(
        report.pdf.open("rb"), as_attachment=True, filename=report.pdf.name.rsplit("/", 1)[-1]
    )
