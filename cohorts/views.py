from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from config.permissions import (
    can_download_certificate,
    can_issue_certificates,
    can_manage_cohorts,
    can_view_documents,
    can_view_schedule,
    ensure,
    public,
    rule_required,
    signed_in,
)
from participants.forms import RosterFilterForm
from participants.selectors import roster_filtered
from projects.gradebook import cohort_finals

from . import selectors
from .calendar import phases_calendar
from .certificates import (
    NOT_CERTIFIED,
    batches_stalled_fail,
    certificate_batch_start,
    enrolments_passing,
)
from .forms import (
    AttendanceForm,
    CohortCreateForm,
    NonWorkingDayForm,
    PhaseDatesForm,
    SessionForm,
)
from .models import (
    Certificate,
    CertificateBatch,
    ClassSession,
    Cohort,
    CohortPhase,
    Institution,
    NonWorkingDay,
    PhaseReport,
)
from .services import (
    ERROR_FUTURE_DAY,
    attendance_record,
    cohort_calendar_reset,
    cohort_create,
    non_working_day_add,
    organiser_closed_days,
    phase_counted_days,
    phase_days,
    phase_reschedule,
    session_add,
)
from .views_certificates import too_many, verify_rate


@rule_required(can_manage_cohorts)
def cohort_list(request):
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "cohorts": selectors.cohort_list(),
            "first_organiser": Institution.objects.filter(
                kind=Institution.Kind.TRAINING_AGENCY
            ).first(),
        },
    )


@rule_required(can_manage_cohorts)
def cohort_create_view(request):
    form = CohortCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
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
    filter_form = RosterFilterForm(request.GET or None, cohort=cohort)
    roster = list(roster_filtered(cohort, filter_form.filters()))
    everyone = cohort_finals(cohort)
    phases = list(cohort.phases.all())
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "phases": phases,
            "total_jp": sum(p.jp for p in phases),
            "roster": roster,
            "filter_form": filter_form,
            "enrolled": cohort.enrolments.count(),
            "finals": {e.pk: e.final for e in everyone},
            "passing": sum(1 for e in everyone if e.status not in NOT_CERTIFIED and e.final.passes),
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
    if batches_stalled_fail(batch.cohort):
        batch.refresh_from_db()
    certificates = selectors.batch_certificates(batch) if batch.is_finished else []
    return render(
        request, "cohorts/batch_detail.html", {"batch": batch, "certificates": certificates}
    )


@rule_required(can_issue_certificates)
def batch_status(request, pk):
    batch = get_object_or_404(CertificateBatch.objects.select_related("cohort"), pk=pk)
    # A batch whose worker died says so, instead of running for ever.
    if batches_stalled_fail(batch.cohort):
        batch.refresh_from_db()
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
    return render(
        request,
        "cohorts/documents.html",
        {
            "batches": selectors.batches_recent()[:100],
            "reports": PhaseReport.objects.select_related("phase__cohort__program", "requested_by")[
                :100
            ],
        },
    )


@public("anyone holding a certificate's QR code may check it")
@ratelimit(key="ip", rate=verify_rate, group="verify", block=False)
def verify(request, verification_id):
    """Public: anyone holding the QR link sees whether the certificate is genuine."""
    if getattr(request, "limited", False):
        return too_many(request)
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


def _cohort_phase(pk, phase_pk):
    phase = get_object_or_404(
        CohortPhase.objects.select_related("cohort__program", "cohort__organiser", "template"),
        pk=phase_pk,
        cohort_id=pk,
    )
    return phase.cohort, phase


@rule_required(signed_in)
def cohort_schedule(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("program", "organiser"), pk=pk)
    ensure(can_view_schedule(request.user, cohort))
    return render(
        request,
        "cohorts/cohort_schedule.html",
        {
            "cohort": cohort,
            "schedule": selectors.cohort_schedule(cohort, timezone.localdate()),
            "can_edit": can_manage_cohorts(request.user),
            "feed_url": request.build_absolute_uri(
                reverse("cohorts:cohort_feed", args=[cohort.calendar_token])
            ),
        },
    )


@rule_required(can_manage_cohorts)
def phase_edit(request, pk, phase_pk):
    cohort, phase = _cohort_phase(pk, phase_pk)
    form = PhaseDatesForm(
        request.POST or None,
        initial={"start_date": phase.start_date, "end_date": phase.end_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = phase_reschedule(phase=phase, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Jadwal disimpan; %(count)s tahap berpindah.") % {"count": moved}
            )
            return redirect("cohorts:cohort_schedule", pk=cohort.pk)
    closed = organiser_closed_days(cohort.organiser)
    return render(
        request,
        "cohorts/phase_form.html",
        {
            "cohort": cohort,
            "phase": phase,
            "form": form,
            "counted_days": phase_counted_days(phase, closed),
        },
    )


@rule_required(can_manage_cohorts)
def phase_detail(request, pk, phase_pk):
    cohort, phase = _cohort_phase(pk, phase_pk)
    days = phase_days(phase)
    return render(
        request,
        "cohorts/phase_detail.html",
        {
            "cohort": cohort,
            "phase": phase,
            "board": selectors.phase_day_board(phase, days),
            "enrolled": cohort.enrolments.count(),
            "today": timezone.localdate(),
            "reports": phase.reports.select_related("requested_by")[:10],
        },
    )


@rule_required(can_manage_cohorts)
def session_add_view(request, pk, phase_pk, day):
    cohort, phase = _cohort_phase(pk, phase_pk)
    subjects = list(phase.template.subjects.all()) if phase.template else []
    form = SessionForm(request.POST or None, subjects=subjects, initial={"room": cohort.venue})
    if request.method == "POST" and form.is_valid():
        try:
            session_add(phase=phase, date=day, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Sesi ditambahkan."))
            return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)
    return render(
        request,
        "cohorts/session_form.html",
        {"cohort": cohort, "phase": phase, "day": day, "form": form, "subjects": subjects},
    )


@require_POST
@rule_required(can_manage_cohorts)
def session_delete(request, pk, phase_pk, session_pk):
    cohort, phase = _cohort_phase(pk, phase_pk)
    ClassSession.objects.filter(pk=session_pk, phase=phase).delete()
    messages.success(request, _("Sesi dihapus."))
    return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)


@rule_required(can_manage_cohorts)
def attendance_edit(request, pk, phase_pk, day):
    cohort, phase = _cohort_phase(pk, phase_pk)
    if day not in phase_days(phase):
        raise Http404
    if day > timezone.localdate():
        messages.error(request, ERROR_FUTURE_DAY % {"date": date_format(day, "DATE_FORMAT")})
        return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)
    roster = selectors.attendance_sheet(phase, day)
    form = AttendanceForm(request.POST or None, roster=roster)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_record(
                phase=phase, date=day, statuses=form.statuses(), recorded_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Presensi %(date)s disimpan.") % {"date": date_format(day, "DATE_FORMAT")},
            )
            return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)
    return render(
        request,
        "cohorts/attendance_form.html",
        {"cohort": cohort, "phase": phase, "day": day, "form": form},
    )


@rule_required(can_manage_cohorts)
def institution_days(request, pk):
    institution = get_object_or_404(Institution, pk=pk, kind=Institution.Kind.TRAINING_AGENCY)
    form = NonWorkingDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            non_working_day_add(institution=institution, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Hari libur instansi ditambahkan."))
            return redirect("cohorts:institution_days", pk=institution.pk)
    return render(
        request,
        "cohorts/institution_days.html",
        {
            "institution": institution,
            "days": institution.non_working_days.all(),
            "form": form,
            "training_agencies": Institution.objects.filter(kind=Institution.Kind.TRAINING_AGENCY),
        },
    )


@require_POST
@rule_required(can_manage_cohorts)
def institution_day_delete(request, pk, day_pk):
    NonWorkingDay.objects.filter(pk=day_pk, institution_id=pk).delete()
    messages.success(request, _("Hari libur instansi dihapus."))
    return redirect("cohorts:institution_days", pk=pk)


@require_POST
@rule_required(can_manage_cohorts)
def cohort_feed_reset(request, pk):
    cohort = get_object_or_404(Cohort, pk=pk)
    cohort_calendar_reset(cohort=cohort)
    messages.success(
        request,
        _("Alamat kalender angkatan diganti; alamat lama tidak berlaku lagi. Bagikan yang baru."),
    )
    return redirect("cohorts:cohort_schedule", pk=cohort.pk)


@public("the secret token in the URL is the key; calendar apps cannot log in")
def cohort_feed(request, token):
    """The cohort's calendar for staff and widyaiswara: the secret token is the key."""
    cohort = get_object_or_404(
        Cohort.objects.select_related("program", "organiser"), calendar_token=token
    )
    phases = cohort.phases.order_by("order").select_related("cohort__program", "cohort__organiser")
    return calendar_response(phases_calendar(name=str(cohort), phases=phases), cohort.pk)


def calendar_response(ics, name):
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="jadwal-{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
