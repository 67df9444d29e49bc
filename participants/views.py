from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from config.permissions import can_manage_cohorts, is_participant, rule_required

from .forms import EnrolForm
from .selectors import participant_training
from .services import enrolment_create, participant_upsert


@rule_required(can_manage_cohorts)
def enrol(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_pk)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coach = data.pop("coach")
        try:
            participant = participant_upsert(**data)
            enrolment_create(cohort=cohort, participant=participant, coach=coach)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s terdaftar di angkatan ini.") % {"name": participant.name}
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
