"""Documents pages: issuing a cohort's certificates and following the batch, one
certificate's history with revoking and reissuing, the public verification pages, an
institution's numbering and certificate look, phase reports and the final report, and the
administrators' list of every document."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cohorts.models import CohortPhase
from cohorts.scope import cohort_or_404, institution_or_404, within_reach
from config.audit import export_record
from config.downloads import stored_file_response
from config.pagination import page_of
from config.permissions import (
    can_download_certificate,
    can_issue_certificates,
    can_manage_cohorts,
    can_view_audit_log,
    can_view_documents,
    deny_unless,
    object_checked_in_view,
    public,
    rule_required,
)
from curriculum.models import Program

from . import selectors
from .audit import audit_filters_clean
from .batch_queue import certificate_batch_start
from .batches import batches_stalled_fail
from .forms import (
    CertificateSearchForm,
    DocumentsFilterForm,
    InstitutionCertificateForm,
    NumberingForm,
    ReasonForm,
    VerifyLookupForm,
)
from .issuing import certificate_reissue, certificate_revoke
from .look import certificate_look_save
from .models import Certificate, CertificateBatch, PhaseReport, ReportJob
from .numbering import number_of, number_pattern_for, numbering_of, numbering_save
from .pdf import image_data_uri
from .reports import (
    UNDER_WAY,
    report_export_label,
    report_job_request,
    report_job_retry,
    report_jobs_stalled_fail,
)
from .roster import roster_filters_clean


def verify_rate(group, request):
    return settings.VERIFY_RATE


def too_many(request):
    return render(request, "documents/verify_limited.html", status=429)


def _attachment(field):
    return stored_file_response(field, field.name.rsplit("/", 1)[-1])


@public("anyone holding a certificate's QR code may check it")
@ratelimit(key="ip", rate=verify_rate, group="verify", block=False)
def verify(request, verification_id):
    """Public: anyone holding the QR link sees whether the certificate is genuine."""
    if getattr(request, "limited", False):
        return too_many(request)
    certificate = selectors.certificate_for_verification(verification_id)
    status = 200 if certificate else 404
    # The number the visitor looked up (verify_lookup passes it on), if it is one this
    # certificate carried before a reissue: the page then says that paper is no longer valid.
    looked_up = request.GET.get("nomor", "")
    replaced = None
    if certificate is not None:
        replaced = next((r for r in certificate.replaced if r.number == looked_up), None)
    context = {"certificate": certificate, "looked_up_replaced": replaced}
    return render(request, "documents/verify.html", context, status=status)


@public("anyone may look a certificate up by the number printed on it")
@ratelimit(key="ip", rate=verify_rate, group="verify", block=False)
def verify_lookup(request):
    """Public: find a certificate by its number (a reissued one by its old number too) and the
    check code printed beside it, or the holder's birth date."""
    if getattr(request, "limited", False):
        return too_many(request)
    form = VerifyLookupForm(request.GET or None)
    if not form.is_valid():
        return render(request, "documents/verify_lookup.html", {"form": form})
    certificate = selectors.certificate_by_number(
        form.cleaned_data["nomor"],
        check_code=form.cleaned_data["kode"],
        birth_date=form.cleaned_data["lahir"],
    )
    if certificate is not None:
        url = certificate.get_verification_path()
        if certificate.number != form.cleaned_data["nomor"]:
            # Found by a number replaced by a reissue: the page says so.
            url += "?" + urlencode({"nomor": form.cleaned_data["nomor"]})
        return redirect(url)
    context = {"form": form, "number": form.cleaned_data["nomor"], "not_found": True}
    return render(request, "documents/verify_lookup.html", context, status=404)


@require_POST
@rule_required(can_issue_certificates)
def certificates_issue(request, pk):
    cohort = cohort_or_404(request.user, pk)
    try:
        batch = certificate_batch_start(cohort=cohort, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(cohort)
    messages.success(
        request,
        _("Penerbitan sertifikat untuk %(count)s peserta dimulai.") % {"count": batch.passing},
    )
    return redirect(batch)


@rule_required(can_issue_certificates)
def batch_detail(request, pk):
    batch = get_object_or_404(
        within_reach(
            # With its BSrE signing, when its institution signs so (shown on the page).
            CertificateBatch.objects.select_related(
                "cohort__program", "cohort__organiser", "signing"
            ),
            request.user,
        ),
        pk=pk,
    )
    if batches_stalled_fail(batch.cohort):
        batch.refresh_from_db()
    # A cohort's certificates, about fifty to a page, found by name, NIP or number.
    form = CertificateSearchForm(request.GET or None)
    certificates = None
    if batch.is_finished:
        query = form.filters().get("q", "")
        certificates = page_of(request, selectors.batch_certificates(batch, query))
    context = {
        "batch": batch,
        "form": form,
        "certificates": certificates,
        "count_label": selectors.batch_progress_label(batch),
    }
    return render(request, "documents/batch_detail.html", context)


@rule_required(can_issue_certificates)
def batch_status(request, pk):
    batch = get_object_or_404(
        within_reach(CertificateBatch.objects.select_related("cohort"), request.user), pk=pk
    )
    # A batch whose worker died says so, instead of running for ever.
    if batches_stalled_fail(batch.cohort):
        batch.refresh_from_db()
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "rendered": batch.rendered,
            "total": batch.total,
            "count_label": selectors.batch_progress_label(batch),
            "percent": batch.percent,
            "finished": batch.is_finished,
            "error": batch.error,
        }
    )


@rule_required(can_issue_certificates)
def batch_file(request, pk, kind):
    """A finished batch's merged PDF or ZIP of every certificate."""
    batch = get_object_or_404(within_reach(CertificateBatch.objects.all(), request.user), pk=pk)
    field = batch.merged_pdf if kind == "pdf" else batch.archive
    if not field:
        raise Http404(_("Berkas ini belum dibuat."))
    export_record(request, batch, f"Sertifikat penerbitan #{batch.pk} ({kind.upper()})")
    return _attachment(field)


@rule_required(object_checked_in_view)
def certificate_download(request, pk):
    certificates = Certificate.objects.select_related("enrolment__participant")
    if can_issue_certificates(request.user):
        # Staff: their agencies' certificates; another agency's is not found.
        certificate = get_object_or_404(
            within_reach(certificates, request.user, cohort="enrolment__cohort"), pk=pk
        )
    else:
        certificate = get_object_or_404(certificates, pk=pk)
        deny_unless(can_download_certificate(request.user, certificate))
    if not certificate.pdf:
        raise Http404(_("Berkas sertifikat belum dibuat."))
    filename = f"STTP-{certificate.enrolment.participant.nip}.pdf"
    export_record(request, certificate, f"Sertifikat {certificate.number} (PDF)")
    return stored_file_response(certificate.pdf, filename)


@rule_required(can_issue_certificates)
def certificate_detail(request, pk):
    certificate = get_object_or_404(
        within_reach(
            Certificate.objects.select_related(*selectors.CERTIFICATE_RELATED),
            request.user,
            cohort="enrolment__cohort",
        ),
        pk=pk,
    )
    return render(
        request,
        "documents/certificate_detail.html",
        {"certificate": certificate, "events": certificate.events.select_related("actor")},
    )


CHANGE_MESSAGES = {
    "revoke": gettext_lazy("Sertifikat %(number)s dicabut."),
    "reissue": gettext_lazy("Sertifikat diterbitkan ulang dengan nomor %(number)s."),
}


@require_POST
@rule_required(can_issue_certificates)
def certificate_change(request, pk, action):
    """Revoke or reissue one certificate, with the reason staff typed. Revoking asks first:
    the page names the certificate, its holder and the reason, and only its own button
    (carrying `confirmed`) revokes; a reason left empty is refused before that."""
    certificate = get_object_or_404(
        within_reach(
            Certificate.objects.select_related(*selectors.CERTIFICATE_RELATED),
            request.user,
            cohort="enrolment__cohort",
        ),
        pk=pk,
    )
    change = certificate_revoke if action == "revoke" else certificate_reissue
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if (
        action == "revoke"
        and reason.strip()
        and certificate.status == Certificate.Status.VALID
        and not request.POST.get("confirmed")
    ):
        return render(
            request,
            "documents/certificate_revoke_confirm.html",
            {"certificate": certificate, "reason": reason},
        )
    try:
        certificate = change(certificate=certificate, actor=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(CHANGE_MESSAGES[action]) % {"number": certificate})
    return redirect("documents:certificate_detail", pk=pk)


@rule_required(can_issue_certificates)
def numbering(request, pk):
    """An institution's certificate numbering: one pattern for all programs, and any
    program's own pattern."""
    institution = institution_or_404(request.user, pk)
    rows = numbering_of(institution, Program.objects.order_by("name"))
    form = NumberingForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        numbering_save(institution=institution, patterns=form.patterns())
        messages.success(request, _("Pola nomor sertifikat tersimpan."))
        return redirect("documents:numbering", pk=institution.pk)
    cohort = institution.organised_cohorts.select_related("program", "organiser").first()
    example = number_of(cohort, 1, number_pattern_for(cohort)) if cohort else None
    return render(
        request,
        "documents/numbering.html",
        {"institution": institution, "form": form, "example": example},
    )


@rule_required(can_issue_certificates)
def institution_certificate(request, pk):
    """An institution's certificate look: signatory, logo, signature image and wording."""
    institution = institution_or_404(request.user, pk)
    form = InstitutionCertificateForm(
        request.POST or None, request.FILES or None, instance=institution
    )
    if request.method == "POST" and form.is_valid():
        certificate_look_save(form=form)
        messages.success(request, _("Tampilan sertifikat tersimpan."))
        return redirect("documents:institution_certificate", pk=institution.pk)
    return render(
        request,
        "documents/institution_certificate.html",
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
    phase = get_object_or_404(
        within_reach(CohortPhase.objects.select_related("cohort"), request.user),
        pk=phase_pk,
        cohort_id=pk,
    )
    job, _new = report_job_request(
        kind=ReportJob.Kind.PHASE_PDF, cohort=phase.cohort, phase=phase, requested_by=request.user
    )
    return redirect(job)


@rule_required(can_manage_cohorts)
def phase_report_download(request, pk):
    report = get_object_or_404(
        within_reach(
            PhaseReport.objects.select_related("phase"), request.user, cohort="phase__cohort"
        ),
        pk=pk,
    )
    export_record(request, report.phase, f"Laporan tahap {report.phase.name} (PDF)")
    return _attachment(report.pdf)


def _cohort_report(request, cohort_pk, kind):
    cohort = cohort_or_404(request.user, cohort_pk)
    job, _new = report_job_request(kind=kind, cohort=cohort, requested_by=request.user)
    return redirect(job)


@rule_required(can_manage_cohorts)
def final_report(request, cohort_pk):
    """The cohort's final report as a PDF (every participant's components, final score,
    predicate and outcome, with summary figures and the head's signature block), made by a
    job: this address leads to the job's page, which offers the file once it is made. The
    same file is offered again until the grades change."""
    return _cohort_report(request, cohort_pk, ReportJob.Kind.FINAL_PDF)


@rule_required(can_manage_cohorts)
def final_report_xlsx(request, cohort_pk):
    """The final report as a spreadsheet (the gradebook's XLSX button), made by a job."""
    return _cohort_report(request, cohort_pk, ReportJob.Kind.FINAL_XLSX)


ROSTER_KINDS = {"xlsx": ReportJob.Kind.ROSTER_XLSX, "csv": ReportJob.Kind.ROSTER_CSV}


@rule_required(can_manage_cohorts)
def roster_report(request, cohort_pk, kind):
    """The cohort's roster as XLSX or CSV, with the roster page's search and filters, made by
    a job (participants.views.roster_export still answers at once at its old address)."""
    if kind not in ROSTER_KINDS:
        raise Http404
    cohort = cohort_or_404(request.user, cohort_pk)
    job, _new = report_job_request(
        kind=ROSTER_KINDS[kind],
        cohort=cohort,
        params=roster_filters_clean(cohort, request.GET),
        requested_by=request.user,
    )
    return redirect(job)


AUDIT_KINDS = {"xlsx": ReportJob.Kind.AUDIT_XLSX, "csv": ReportJob.Kind.AUDIT_CSV}


@rule_required(can_view_audit_log)
def audit_log_export(request, kind):
    """The filtered log, every page of it, as XLSX or CSV, made by a job; the download is
    recorded in the log itself."""
    if kind not in AUDIT_KINDS:
        raise Http404
    job, _new = report_job_request(
        kind=AUDIT_KINDS[kind], params=audit_filters_clean(request.GET), requested_by=request.user
    )
    return redirect(job)


def can_request_reports(user):
    """Staff ask for their cohorts' reports; administrators for the audit log's too. Which
    job a user may open is then decided by selectors.report_jobs_within_reach."""
    return can_manage_cohorts(user) or can_view_audit_log(user)


def _report_job_or_404(request, pk):
    jobs = selectors.report_jobs_within_reach(request.user)
    job = get_object_or_404(jobs, pk=pk)
    # A job whose worker died says so, instead of running for ever.
    if job.status in UNDER_WAY and report_jobs_stalled_fail(ReportJob.objects.filter(pk=pk)):
        job.refresh_from_db()
    return job


@rule_required(can_request_reports)
def report_job(request, pk):
    """A report job's page: its progress while it runs, then its file, or why it failed with
    a button to try again."""
    job = _report_job_or_404(request, pk)
    context = {"job": job, "count_label": selectors.report_job_progress_label(job)}
    return render(request, "documents/report_job.html", context)


@rule_required(can_request_reports)
def report_job_status(request, pk):
    """What the job page polls (static/js/batch.js, the certificate batch's script)."""
    job = _report_job_or_404(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "count_label": selectors.report_job_progress_label(job),
            "percent": job.percent,
            "finished": job.is_finished,
            "error": job.error,
        }
    )


@rule_required(can_request_reports)
def report_job_download(request, pk):
    """A done job's file, read through the storage (a bucket in production)."""
    job = _report_job_or_404(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404(_("Berkas ini belum dibuat."))
    export_record(request, job.cohort, report_export_label(job))
    return _attachment(job.file)


@require_POST
@rule_required(can_request_reports)
def report_job_retry_view(request, pk):
    job = _report_job_or_404(request, pk)
    if report_job_retry(job=job):
        messages.success(request, _("Laporan dibuat ulang."))
    return redirect(job)


# The documents page's lists, one at a time under its tab (?daftar=): the value, the label,
# and the list's rows for a search and a status (phase reports have no status).
DOCUMENT_LISTS = {
    "penerbitan": (gettext_lazy("Penerbitan sertifikat"), selectors.batches_recent),
    "tugas": (gettext_lazy("Laporan dan ekspor"), selectors.report_jobs_recent),
    "laporan": (gettext_lazy("Laporan tahap"), lambda q, _s: selectors.phase_reports_recent(q)),
}


@rule_required(can_view_documents)
def documents(request):
    """Every document made: certificate batches, report jobs and phase reports, one list at a
    time under its tab (?daftar=), about fifty to a page, searched and filtered in SQL. Each
    tab says how many its list holds (a COUNT each); only the chosen list's rows are read."""
    form = DocumentsFilterForm(request.GET or None)
    filters = form.filters()
    query, status = filters.get("q", ""), filters.get("status", "")
    shown = request.GET.get("daftar")
    shown = shown if shown in DOCUMENT_LISTS else next(iter(DOCUMENT_LISTS))
    kept = {key: value for key, value in (("q", query), ("status", status)) if value}
    tabs, counts = [], {}
    for name, (label, rows) in DOCUMENT_LISTS.items():
        counts[name] = rows(query, status).count()
        link = urlencode({**kept, "daftar": name})
        tabs.append({"name": name, "label": label, "count": counts[name], "query": link})
    rows = DOCUMENT_LISTS[shown][1](query, status)
    return render(
        request,
        "documents/documents.html",
        {
            "form": form,
            "tabs": tabs,
            "shown": shown,
            "rows": page_of(request, rows, count=counts[shown]),
        },
    )
