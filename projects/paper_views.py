"""Staff pages that enter a mentor's design approval and rubric score from the signed paper
form (projects.paper), and the scans' download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.scope import refuse, within_reach
from config.downloads import stored_file_response
from config.permissions import can_manage_cohorts, object_checked_in_view, rule_required

from . import forms as f
from .models import ChangeProject, PaperForm, ScoringRole
from .paper import design_approve_on_behalf, mentor_sheet_on_behalf
from .scoring import rubrics_of
from .selectors import PROJECT_RELATED, score_sheet_of
from .workflow import project_roles


def _project_of_my_agency(user, pk):
    """The project, if its cohort is one the staff account works on; 404 otherwise."""
    projects = ChangeProject.objects.select_related(*PROJECT_RELATED, "enrolment__mentor__user")
    return get_object_or_404(within_reach(projects, user, cohort="enrolment__cohort"), pk=pk)


def _paper_form(request, project):
    mentor = project.enrolment.mentor
    return f.PaperScanForm(
        request.POST or None, request.FILES or None, initial={"signed_by": mentor.name}
    )


def _without_mentor(request, project):
    messages.error(request, _("Peserta ini belum memiliki mentor."))
    return redirect(project)


@rule_required(can_manage_cohorts)
def paper_approval(request, pk):
    project = _project_of_my_agency(request.user, pk)
    if project.enrolment.mentor is None:
        return _without_mentor(request, project)
    form = _paper_form(request, project)
    step_form = f.StepForm(request.POST or None, initial={"action": "approve_design"})
    if request.method == "POST" and form.is_valid() and step_form.is_valid():
        try:
            design_approve_on_behalf(
                project=project,
                staff=request.user,
                upload=form.cleaned_data["scan"],
                signed_by=form.cleaned_data["signed_by"],
                signed_on=form.cleaned_data["signed_on"],
                comment=step_form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Persetujuan %(mentor)s tercatat dari formulir bertanda tangan.")
                % {"mentor": project.enrolment.mentor.name},
            )
            return redirect(project)
    return render(
        request,
        "projects/paper_approval.html",
        {"project": project, "form": form, "step_form": step_form},
    )


@rule_required(can_manage_cohorts)
def paper_sheet(request, pk):
    project = _project_of_my_agency(request.user, pk)
    mentor = project.enrolment.mentor
    if mentor is None:
        return _without_mentor(request, project)
    rubric = rubrics_of(project.enrolment.cohort.program).get(ScoringRole.MENTOR)
    if rubric is None:
        messages.error(request, _("Program ini belum memiliki rubrik untuk penilai ini."))
        return redirect(project)
    current = (
        score_sheet_of(project=project, role=ScoringRole.MENTOR, scorer=mentor.user)
        if mentor.user_id
        else None
    )
    form = f.SheetForm(
        request.POST or None,
        initial=f.sheet_initial(current),
        criteria=rubric.criteria_list,
        participant=project.enrolment.participant.name,
    )
    paper = _paper_form(request, project)
    if request.method == "POST" and form.is_valid() and paper.is_valid():
        try:
            mentor_sheet_on_behalf(
                project=project,
                staff=request.user,
                values=form.values(),
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                upload=paper.cleaned_data["scan"],
                signed_by=paper.cleaned_data["signed_by"],
                signed_on=paper.cleaned_data["signed_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Nilai mentor %(mentor)s untuk %(name)s tersimpan dari formulir.")
                % {"mentor": mentor.name, "name": project.enrolment.participant.name},
            )
            return redirect(project)
    return render(
        request,
        "projects/paper_sheet.html",
        {
            "project": project,
            "form": form,
            "paper": paper,
            "rubric": rubric,
            "mentor": mentor,
            "submitted": current is not None and current.submitted_at is not None,
        },
    )


@rule_required(object_checked_in_view)
def paper_scan(request, pk):
    """The scan, for whoever may open the project (as its documents)."""
    paper = get_object_or_404(PaperForm, pk=pk)
    project = get_object_or_404(
        ChangeProject.objects.select_related(*PROJECT_RELATED), pk=paper.project_id
    )
    if not project_roles(request.user, project):
        refuse(request.user, can_manage_cohorts)
    name = f"formulir-{paper.kind}-{project.enrolment.participant.nip}.{paper.extension}"
    try:
        return stored_file_response(paper.file, name)
    except FileNotFoundError as missing:
        raise Http404 from missing
