"""Evaluation pages (participants.evaluations): a participant's waiting questionnaires and the
form of one, staff's results of a cohort with the reminder button, and a widyaiswara's own
averages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.permissions import (
    can_manage_cohorts,
    deny_unless,
    is_participant,
    is_widyaiswara,
    rule_required,
)
from curriculum.services import evaluation_criteria_ensure

from .evaluation_forms import EvaluationForm
from .evaluations import (
    MIN_RESPONDENTS,
    NOT_ENOUGH,
    cohort_evaluation,
    evaluation_answered,
    evaluation_remind,
    evaluation_submit,
    evaluations_waiting,
    questionnaire_of,
    scale_choices,
    teacher_evaluations_by_cohort,
)
from .models import Enrolment


def _enrolments_of(participant):
    return Enrolment.objects.filter(participant=participant).exclude(
        status=Enrolment.Status.WITHDRAWN
    )


@rule_required(is_participant)
def my_evaluations(request):
    """Evaluasi yang menunggu: the questionnaires of the participant's cohorts not answered."""
    enrolments = list(_enrolments_of(request.user.participant).select_related("cohort__program"))
    waiting = evaluations_waiting(enrolments, timezone.localdate())
    return render(request, "participants/my_evaluations.html", {"waiting": waiting})


@rule_required(is_participant)
def evaluation_form(request, cohort_pk, key):
    """One questionnaire. A participant of another cohort is refused (403); one who answered
    it already is told so, and a second answer is not recorded."""
    enrolment = (
        _enrolments_of(request.user.participant)
        .filter(cohort_id=cohort_pk)
        .select_related("cohort__program", "cohort__organiser")
        .first()
    )
    deny_unless(enrolment is not None)
    cohort = enrolment.cohort
    questionnaire = questionnaire_of(cohort, key, timezone.localdate())
    if questionnaire is None:
        raise Http404
    context = {"cohort": cohort, "questionnaire": questionnaire}
    if evaluation_answered(enrolment, key):
        return render(request, "participants/evaluation_form.html", {**context, "answered": True})
    form = EvaluationForm(
        request.POST or None,
        questionnaire=questionnaire,
        criteria=evaluation_criteria_ensure(program=cohort.program),
        choices=scale_choices(cohort.program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_submit(
                enrolment=enrolment,
                questionnaire=questionnaire,
                ratings=form.ratings(),
                comments=form.comments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Terima kasih, evaluasi Anda sudah terkirim tanpa nama."))
            return redirect("participants:my_evaluations")
    return render(request, "participants/evaluation_form.html", {**context, "form": form})


def _cohort(request, cohort_pk):
    return cohort_or_404(
        request.user, cohort_pk, Cohort.objects.select_related("program", "organiser")
    )


@rule_required(can_manage_cohorts)
def evaluation_results(request, cohort_pk):
    """A cohort's response rates, and the averages and comments of the groups of five."""
    cohort = _cohort(request, cohort_pk)
    return render(
        request,
        "participants/evaluation_results.html",
        {
            "cohort": cohort,
            "result": cohort_evaluation(cohort, timezone.localdate()),
            "not_enough": NOT_ENOUGH,
            "minimum": MIN_RESPONDENTS,
        },
    )


@require_POST
@rule_required(can_manage_cohorts)
def evaluation_remind_view(request, cohort_pk, key):
    """Ingatkan yang belum mengisi: a notification to each participant still waiting."""
    cohort = _cohort(request, cohort_pk)
    today = timezone.localdate()
    questionnaire = questionnaire_of(cohort, key, today)
    if questionnaire is None:
        raise Http404
    told = evaluation_remind(cohort=cohort, questionnaire=questionnaire, today=today)
    if told:
        messages.success(
            request,
            ngettext(
                "%(count)s peserta diingatkan untuk mengisi %(title)s.",
                "%(count)s peserta diingatkan untuk mengisi %(title)s.",
                told,
            )
            % {"count": told, "title": questionnaire.title},
        )
    else:
        messages.info(
            request,
            _(
                "Tidak ada yang perlu diingatkan: semua sudah mengisi "
                "atau sudah diingatkan hari ini."
            ),
        )
    return redirect("participants:evaluation_results", cohort.pk)


@rule_required(is_widyaiswara)
def my_teaching_evaluations(request):
    """Evaluasi saya: a widyaiswara's own averages per cohort, from groups of five only."""
    return render(
        request,
        "participants/my_teaching_evaluations.html",
        {
            "results": teacher_evaluations_by_cohort(widyaiswara=request.user),
            "not_enough": NOT_ENOUGH,
        },
    )
