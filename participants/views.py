from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.calendar import phase_location, phases_calendar
from cohorts.models import Cohort
from cohorts.selectors import cohort_schedule
from cohorts.views import calendar_response
from config.permissions import can_manage_cohorts, is_participant, public, rule_required

from .forms import EnrolForm
from .models import Participant
from .selectors import (
    attendance_of,
    enrolment_current,
    participant_calendar_phases,
    participant_training,
)
from .services import participant_calendar_reset, participant_enrol


@rule_required(can_manage_cohorts)
def enrol(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_pk)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = participant_enrol(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s terdaftar di angkatan ini.") % {"name": enrolment.participant.name},
            )
            if "again" in request.POST:
                return redirect("participants:enrol", cohort_pk=cohort.pk)
            return redirect(cohort)
    return render(request, "participants/enrol_form.html", {"form": form, "cohort": cohort})


@rule_required(is_participant)
def my_training(request):
    participant = request.user.participant
    return render(
        request,
        "participants/my_training.html",
        {"participant": participant, "enrolments": participant_training(participant)},
    )


@rule_required(is_participant)
def my_schedule(request):
    participant = request.user.participant
    today = timezone.localdate()
    enrolment, enrolments = enrolment_current(participant, today)
    chosen = request.GET.get("angkatan")
    if chosen:
        enrolment = next((e for e in enrolments if str(e.cohort_id) == chosen), enrolment)
    context = {"participant": participant, "enrolment": enrolment, "enrolments": enrolments}
    if enrolment:
        cohort = enrolment.cohort
        schedule = cohort_schedule(cohort, today)
        attendance = attendance_of(enrolment)
        context.update(
            cohort=cohort,
            schedule=schedule,
            attendance=attendance,
            attendance_summary=Counter(a.status for a in attendance),
            venues={
                row.phase.pk: phase_location(row.phase, cohort, participant)
                for row in schedule.rows
            },
            days_to_end=(cohort.end_date - today).days if cohort.end_date >= today else None,
        )
    context["feed_url"] = request.build_absolute_uri(
        reverse("participants:calendar_feed", args=[participant.calendar_token])
    )
    return render(request, "participants/my_schedule.html", context)


@require_POST
@rule_required(is_participant)
def calendar_reset(request):
    participant_calendar_reset(participant=request.user.participant)
    messages.success(
        request,
        _("Alamat kalender baru dibuat. Alamat lama tidak berlaku lagi; perbarui langganan Anda."),
    )
    return redirect("participants:my_schedule")


@public("the secret token in the URL is the key; calendar apps cannot log in")
def calendar_feed(request, token):
    """The participant's private calendar: the token in the URL is the only key."""
    participant = get_object_or_404(Participant, calendar_token=token)
    return calendar_response(
        phases_calendar(
            name=_("Jadwal pelatihan %(name)s") % {"name": participant.name},
            phases=participant_calendar_phases(participant),
            participant=participant,
        ),
        participant.pk,
    )
