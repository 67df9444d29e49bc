"""The escort's scoring of field visit reports (issue 18; the visits are participants.visits).

A group's escort, when a widyaiswara, scores each report of their group 0-100. When the
participant's program has a "study visit" component in its final score, the score is written
there too, through the gradebook service (projects.gradebook), with its history and its
refusals (grades closed, certificate issued): then nothing is saved. The component is the
program's entered component whose code is `studi-lapangan` (or `studi_lapangan`): staff add
it on the program's final score components page, with that code."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from participants.visits import visit_report_score

from .gradebook import component_scores_record
from .models import ScoreComponent

STUDY_VISIT_CODES = ("studi-lapangan", "studi_lapangan")
REASON = gettext_lazy("Nilai laporan studi lapangan dari pendamping")


def study_visit_component(program):
    """The program's study visit component, or None (one query)."""
    return (
        ScoreComponent.objects.filter(
            program=program, code__in=STUDY_VISIT_CODES, source=ScoreComponent.Source.ENTERED
        )
        .order_by("order")
        .first()
    )


@transaction.atomic
def visit_report_score_record(*, report, score, scored_by):
    """Score the report, and the participant's study visit component when their program has
    one. All or nothing: a refused gradebook save keeps the report unscored as well.
    Returns the component written, or None."""
    visit_report_score(report=report, score=score, scored_by=scored_by)
    cohort = report.enrolment.cohort
    component = study_visit_component(cohort.program)
    if component is not None:
        component_scores_record(
            cohort=cohort,
            values={(report.enrolment_id, component.pk): score},
            recorded_by=scored_by,
            reason=str(REASON),
        )
    return component
