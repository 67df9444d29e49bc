from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.selectors import cohorts_of_widyaiswara
from config.permissions import can_score, ensure, is_widyaiswara, rule_required

from .forms import ScoreForm
from .models import ChangeProject
from .selectors import projects_coached_by
from .services import score_record


@rule_required(is_widyaiswara)
def my_projects(request):
    return render(
        request,
        "projects/my_projects.html",
        {
            "projects": projects_coached_by(request.user),
            "cohorts": cohorts_of_widyaiswara(request.user),
        },
    )


@rule_required(is_widyaiswara)
def score(request, pk):
    project = get_object_or_404(
        ChangeProject.objects.select_related(
            "enrolment__participant__agency", "enrolment__cohort__program"
        ),
        pk=pk,
    )
    ensure(can_score(request.user, project))
    form = ScoreForm(
        request.POST or None,
        initial={"title": project.title, "final_score": project.final_score},
    )
    if request.method == "POST" and form.is_valid():
        try:
            score_record(
                project=project,
                grader=request.user,
                score=form.cleaned_data["final_score"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Nilai %(name)s tersimpan.") % {"name": project.enrolment.participant.name},
            )
            return redirect("projects:my_projects")
    return render(request, "projects/score_form.html", {"form": form, "project": project})
