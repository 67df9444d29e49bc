import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.selectors import cohorts_of_widyaiswara
from config.permissions import (
    can_manage_cohorts,
    can_score,
    ensure,
    is_widyaiswara,
    rule_required,
)
from participants.tables import table_response

from .forms import ScoreForm
from .gradebook import component_scores_record, gradebook_rows
from .models import ChangeProject
from .selectors import projects_coached_by
from .services import score_record

# A score as people type it: 85, 85,5 or 85.50 (no exponents, NaN or infinity).
SCORE_TEXT = re.compile(r"\d{1,3}([.,]\d{1,2})?")


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


@rule_required(can_manage_cohorts)
def gradebook(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_pk)
    components, rows = gradebook_rows(cohort)
    entered = [c for c in components if c.source == "entered"]
    if request.method == "POST":
        values, invalid = {}, []
        for row in rows:
            for component in entered:
                key = f"score-{row['enrolment'].pk}-{component.pk}"
                if key not in request.POST:
                    continue  # not on the page that was sent: leave it as it is
                raw = request.POST[key].strip()
                if not raw:
                    values[(row["enrolment"].pk, component.pk)] = None
                elif SCORE_TEXT.fullmatch(raw):
                    values[(row["enrolment"].pk, component.pk)] = Decimal(raw.replace(",", "."))
                else:
                    invalid.append(row["enrolment"].participant.name)
        if invalid:
            messages.error(
                request,
                _("Nilai tidak terbaca untuk: %(names)s.") % {"names": ", ".join(invalid)},
            )
        else:
            try:
                changed = component_scores_record(
                    cohort=cohort, values=values, recorded_by=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(count)s nilai disimpan.") % {"count": changed})
                return redirect("projects:gradebook", cohort_pk=cohort.pk)
    if request.GET.get("format") == "xlsx":
        header = ["NIP", "Nama", *[f"{c.name} ({c.weight}%)" for c in components],
                  "Nilai akhir", "Predikat"]  # fmt: skip
        table = [
            [
                row["enrolment"].participant.nip_display,
                row["enrolment"].participant.name,
                *[
                    getattr(getattr(row["enrolment"], "project", None), "final_score", None)
                    if c.source == "project"
                    else row["entered"].get(c.pk)
                    for c in components
                ],
                row["final"].score,
                str(row["final"].predicate or ""),
            ]
            for row in rows
        ]
        return table_response(
            f"nilai-{cohort.program.code}-{cohort.angkatan}", "xlsx", header, table
        )
    return render(
        request,
        "projects/gradebook.html",
        {"cohort": cohort, "components": components, "rows": rows},
    )
