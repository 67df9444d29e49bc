from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pagination import page_of
from config.permissions import (
    can_manage_cohorts,
    object_checked_in_view,
    public,
    rule_required,
    teaches_in,
)
from curriculum.models import PhaseMode

from . import scope, selectors
from .calendar import calendar_response, phase_location, phases_calendar
from .forms import (
    CohortCreateForm,
    NonWorkingDayForm,
    PhaseDatesForm,
    SessionForm,
    SpeakerFilterForm,
    SpeakerForm,
)
from .models import Cohort, Institution, Speaker
from .services import (
    cohort_calendar_reset,
    cohort_create,
    non_working_day_add,
    non_working_day_delete,
    organiser_closed_days,
    phase_counted_days,
    phase_days,
    phase_reschedule,
    session_add,
    session_delete,
    speaker_create,
    speaker_update,
)


@rule_required(can_manage_cohorts)
def cohort_list(request):
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "cohorts": scope.cohorts_within_reach(request.user, selectors.cohort_list()),
            "first_organiser": scope.organisers_for(request.user).first(),
        },
    )


@rule_required(can_manage_cohorts)
def cohort_create_view(request):
    form = CohortCreateForm(request.POST or None, organisers=scope.organisers_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Angkatan dibuat dan tahapnya dijadwalkan."))
            return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form})


@rule_required(object_checked_in_view)
def cohort_schedule(request, pk):
    cohorts = Cohort.objects.select_related("program", "organiser")
    cohort = None
    if can_manage_cohorts(request.user):
        cohort = scope.cohorts_within_reach(request.user, cohorts).filter(pk=pk).first()
    can_edit = cohort is not None
    if cohort is None:
        cohort = get_object_or_404(cohorts, pk=pk)
        if not teaches_in(request.user, cohort):
            scope.refuse(request.user, can_manage_cohorts)
    return render(
        request,
        "cohorts/cohort_schedule.html",
        {
            "cohort": cohort,
            "schedule": selectors.cohort_schedule(cohort, timezone.localdate()),
            "can_edit": can_edit,
            "feed_url": request.build_absolute_uri(
                reverse("cohorts:cohort_feed", args=[cohort.calendar_token])
            ),
        },
    )


@rule_required(can_manage_cohorts)
def phase_edit(request, pk, phase_pk):
    cohort, phase = selectors.cohort_phase_or_404(request.user, pk, phase_pk)
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
    """Any phase of the cohort: where it is held and its reports; a campus phase also has its
    days with their class sessions and attendance."""
    cohort, phase = selectors.cohort_phase_or_404(request.user, pk, phase_pk)
    on_campus = phase.mode == PhaseMode.CAMPUS
    return render(
        request,
        "cohorts/phase_detail.html",
        {
            "cohort": cohort,
            "phase": phase,
            "phases": cohort.phases.order_by("order"),
            "on_campus": on_campus,
            "place": phase_location(phase, cohort),
            "board": selectors.phase_day_board(phase, phase_days(phase)) if on_campus else [],
            "enrolled": cohort.enrolments.count(),
            "today": timezone.localdate(),
            "reports": phase.reports.select_related("requested_by")[:10],
        },
    )


@rule_required(can_manage_cohorts)
def session_add_view(request, pk, phase_pk, day):
    cohort, phase = selectors.campus_phase_or_404(request.user, pk, phase_pk)
    subjects = list(phase.template.subjects.all()) if phase.template else []
    form = SessionForm(
        request.POST or None,
        subjects=subjects,
        speakers=Speaker.objects.filter(institution_id=cohort.organiser_id),
        initial={"room": cohort.venue},
    )
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
def session_delete_view(request, pk, phase_pk, session_pk):
    cohort, phase = selectors.campus_phase_or_404(request.user, pk, phase_pk)
    session_delete(phase=phase, session_id=session_pk)
    messages.success(request, _("Sesi dihapus."))
    return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)


@rule_required(can_manage_cohorts)
def speaker_list(request):
    """The register of outside speakers of the user's agencies (all for administrators)."""
    filter_form = SpeakerFilterForm(request.GET or None)
    speakers = scope.speakers_within_reach(
        request.user, selectors.speaker_list(**filter_form.filters())
    )
    return render(
        request,
        "cohorts/speaker_list.html",
        {"speakers": page_of(request, speakers), "filter_form": filter_form},
    )


@rule_required(can_manage_cohorts)
def speaker_create_view(request):
    institutions = scope.organisers_for(request.user)
    form = SpeakerForm(request.POST or None, institutions=institutions)
    if request.method == "GET":
        only = list(institutions[:2])
        if len(only) == 1:
            form.fields["institution"].initial = only[0]
    if request.method == "POST" and form.is_valid():
        try:
            speaker_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Narasumber ditambahkan ke daftar."))
            return redirect("cohorts:speaker_list")
    return render(request, "cohorts/speaker_form.html", {"form": form, "speaker": None})


@rule_required(can_manage_cohorts)
def speaker_edit(request, pk):
    speaker = scope.speaker_or_404(request.user, pk, Speaker.objects.select_related("institution"))
    form = SpeakerForm(
        request.POST or None,
        editing=True,
        initial={name: getattr(speaker, name) for name in SpeakerForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            speaker_update(speaker=speaker, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Data narasumber disimpan."))
            return redirect("cohorts:speaker_list")
    return render(request, "cohorts/speaker_form.html", {"form": form, "speaker": speaker})


@rule_required(can_manage_cohorts)
def institution_days(request, pk):
    institution = scope.institution_or_404(
        request.user, pk, Institution.objects.filter(kind=Institution.Kind.TRAINING_AGENCY)
    )
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
            "training_agencies": scope.organisers_for(request.user),
        },
    )


@require_POST
@rule_required(can_manage_cohorts)
def institution_day_delete(request, pk, day_pk):
    institution = scope.institution_or_404(request.user, pk)
    non_working_day_delete(institution_id=institution.pk, day_id=day_pk)
    messages.success(request, _("Hari libur instansi dihapus."))
    return redirect("cohorts:institution_days", pk=pk)


@require_POST
@rule_required(can_manage_cohorts)
def cohort_feed_reset(request, pk):
    cohort = scope.cohort_or_404(request.user, pk)
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
