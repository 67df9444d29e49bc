"""Participants evaluate their speakers and the organiser: once per questionnaire, anonymously,
and nobody sees a group's figures before five people answered it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cohorts.services import session_add, speaker_create
from curriculum.models import EvaluationCriterion
from curriculum.services import evaluation_criteria_ensure
from participants.evaluations import (
    ERROR_ALREADY_ANSWERED,
    cohort_evaluation,
    evaluation_submit,
    questionnaire_of,
    questionnaires_of,
    teacher_evaluation_averages,
)
from participants.models import (
    EvaluationAnswer,
    EvaluationComment,
    EvaluationSubmission,
)

from ..factories import (
    CohortFactory,
    enrol,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 30)


@pytest.fixture
def world():
    cohort = CohortFactory()
    classical = cohort.phases.get(kind="classical")
    teacher = widyaiswara_user(username="wi-evaluasi", first_name="Dra. Sri", last_name="Lestari")
    speaker = speaker_create(
        institution=cohort.organiser, name="Prof. Dr. Ahmad Narasumber", kind="pakar"
    )
    day = classical.start_date
    session_add(
        phase=classical, date=day, start_time="08:00", end_time="09:30",
        subject="Wawasan kebangsaan", widyaiswara=teacher,
    )  # fmt: skip
    session_add(
        phase=classical, date=day, start_time="10:00", end_time="11:30",
        subject="Etika publik", speaker=speaker,
    )  # fmt: skip
    enrolments = [enrol(cohort) for _ in range(6)]
    return {
        "cohort": cohort,
        "phase": classical,
        "day": day,
        "teacher": teacher,
        "speaker": speaker,
        "enrolments": enrolments,
        "key": f"hari-{day.isoformat()}",
    }


def answer(world, enrolment, value=80, comment=""):
    """Rate every speaker of the day and the organiser `value` on every criterion."""
    questionnaire = questionnaire_of(world["cohort"], world["key"], TODAY)
    criteria = evaluation_criteria_ensure(program=world["cohort"].program)
    ratings, comments = {}, {}
    for teacher in [*questionnaire.teachers, None]:
        key = teacher.key if teacher else "org"
        target = EvaluationCriterion.Target.ORGANISER if teacher is None else "speaker"
        for criterion in (c for c in criteria if c.target == target):
            ratings[(key, criterion.pk)] = value
        comments[key] = comment
    evaluation_submit(
        enrolment=enrolment, questionnaire=questionnaire, ratings=ratings, comments=comments
    )


def test_a_day_and_the_phase_end_are_questionnaires_with_that_days_speakers(world):
    found = {q.key: q for q in questionnaires_of(world["cohort"], TODAY)}
    day = found[world["key"]]
    assert {t.name for t in day.teachers} == {"Dra. Sri Lestari", "Prof. Dr. Ahmad Narasumber"}
    assert f"tahap-{world['phase'].pk}" in found
    # Not before the day itself.
    assert questionnaires_of(world["cohort"], world["day"].replace(year=2000)) == []


def test_the_answers_have_no_link_to_the_participant(world):
    answer(world, world["enrolments"][0], comment="Materi jelas")
    fields = {f.name for f in EvaluationAnswer._meta.get_fields()}
    assert fields == {
        "id", "cohort", "questionnaire", "held_on", "widyaiswara", "speaker", "criterion",
        "value",
    }  # fmt: skip
    assert {f.name for f in EvaluationComment._meta.get_fields()} == {
        "id", "cohort", "questionnaire", "held_on", "widyaiswara", "speaker", "text",
    }  # fmt: skip
    # 5 speaker criteria × 2 speakers + 4 organiser criteria; a comment each.
    assert EvaluationAnswer.objects.count() == 14
    assert EvaluationComment.objects.count() == 3
    assert EvaluationSubmission.objects.get().enrolment == world["enrolments"][0]


def test_a_participant_answers_once(world):
    answer(world, world["enrolments"][0])
    with pytest.raises(ValidationError) as refused:
        answer(world, world["enrolments"][0], value=40)
    assert refused.value.messages == [str(ERROR_ALREADY_ANSWERED)]
    assert EvaluationAnswer.objects.filter(value=40).count() == 0


def test_averages_only_from_five_answers(world):
    for i, enrolment in enumerate(world["enrolments"][:4]):
        answer(world, enrolment, value=100 if i % 2 else 60)
    result = cohort_evaluation(world["cohort"], TODAY)
    assert [r.shown for r in result.speakers] == [False, False]
    assert result.organiser.criteria == [] and not result.organiser.shown
    assert teacher_evaluation_averages(widyaiswara=world["teacher"]).answers == 0

    answer(world, world["enrolments"][4], value=80)
    result = cohort_evaluation(world["cohort"], TODAY)
    assert all(r.shown for r in result.speakers)
    teacher = next(r for r in result.speakers if r.teacher.widyaiswara_id)
    assert teacher.respondents == 5
    assert [str(a) for _l, a, _n in teacher.criteria] == ["80.00"] * 5
    rate = next(r for r in result.rates if r.questionnaire.key == world["key"])
    assert (rate.answered, rate.enrolled, rate.percent) == (5, 6, 83)

    averages = teacher_evaluation_averages(speaker=world["speaker"], start=world["day"])
    assert averages.answers == 5 and str(averages.average) == "80.00"
    assert averages.criteria[0][0] == "Penguasaan materi"
    assert teacher_evaluation_averages(speaker=world["speaker"], end=date(2000, 1, 1)).answers == 0
