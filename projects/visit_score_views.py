"""The escort's pages of field visit reports: their visits, and their groups' reports with a
score each (the scoring rules are in projects.visit_scores)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.pagination import page_of
from config.permissions import deny_unless, is_widyaiswara, rule_required
from participants.visit_forms import ScoreForm
from participants.visit_models import Visit, VisitReport
from participants.visits import escort_reports, escort_visits

from .visit_scores import visit_report_score_record


@rule_required(is_widyaiswara)
def escort_visit_list(request):
    """The visits in which the widyaiswara escorts a group."""
    return render(
        request, "projects/visit_escort_list.html", {"visits": escort_visits(request.user)}
    )


@rule_required(is_widyaiswara)
def visit_reports(request, pk):
    """The reports of the escort's groups, each with its score; scoring one writes it to the
    gradebook too. A refused score is shown on its row with the value typed."""
    visit = get_object_or_404(Visit, pk=pk)
    members = escort_reports(request.user, visit)
    deny_unless(members)  # escorts no group of this visit
    bound = None
    if request.method == "POST":
        by_report = {str(m.report.pk): m for m in members if m.report}
        member = by_report.get(request.POST.get("report", ""))
        if member is None:
            return redirect("projects:visit_reports", visit.pk)
        form = ScoreForm(request.POST)
        if form.is_valid():
            report = VisitReport.objects.select_related("enrolment__cohort__program").get(
                pk=member.report.pk
            )
            try:
                visit_report_score_record(
                    report=report, score=form.cleaned_data["score"], scored_by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Nilai laporan %(name)s tersimpan.")
                    % {"name": member.enrolment.participant.name},
                )
                return redirect("projects:visit_reports", visit.pk)
        bound = (member.report.pk, form)
    page = page_of(request, members)
    for member in page.object_list:
        member.form = (
            bound[1]
            if bound and member.report and member.report.pk == bound[0]
            else ScoreForm(initial={"score": member.report.score if member.report else None})
        )
    return render(request, "projects/visit_reports.html", {"visit": visit, "page": page})
