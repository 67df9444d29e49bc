"""Participants evaluate their speakers and the organiser: once per questionnaire, anonymously,
and nobody sees a group's figures before five people answered it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts.services import session_add, speaker_create
from curriculum.models import EvaluationCriterion
from curriculum.services import evaluation_criteria_ensure
from participants.evaluations import (
    ERROR_ALREADY_ANSWERED,
    NOT_ENOUGH,
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
    Notification,
    NotificationKind,
)
from participants.services import participant_account_ensure

from ..factories import (
    PASSWORD,
    CohortFactory,
    TrainingAgencyFactory,
    enrol,
    staff_user,
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


def login_participant(client, enrolment):
    user = participant_account_ensure(participant=enrolment.participant, password=PASSWORD)
    client.force_login(user)
    return user


def form_data(response, value="80", comment=""):
    """Every rating field of the page set to `value`, every comment to `comment`."""
    form = response.context["form"]
    data = {}
    for _teacher, fields, comment_field in form.sections:
        for field in fields:
            data[field.html_name] = value
        data[comment_field.html_name] = comment
    return data


def test_a_participant_evaluates_a_day_from_their_schedule(client, world):
    enrolment = world["enrolments"][0]
    login_participant(client, enrolment)
    schedule = client.get(reverse("participants:my_schedule")).content.decode()
    assert reverse("participants:my_evaluations") in schedule
    waiting = client.get(reverse("participants:my_evaluations")).content.decode()
    url = reverse("participants:evaluation_form", args=[world["cohort"].pk, world["key"]])
    assert url in waiting
    page = client.get(url)
    assert "Dra. Sri Lestari" in page.content.decode()
    assert "Sangat Baik" in page.content.decode()
    assert len(page.content) < 60_000

    # A rating left out: a clear error, what was typed is kept, nothing is recorded.
    data = form_data(page, comment="Ruang kelas dingin")
    missing = next(name for name in data if not name.endswith("komentar"))
    incomplete = {k: v for k, v in data.items() if k != missing}
    refused = client.post(url, incomplete)
    assert refused.status_code == 200
    assert "Beri nilai untuk setiap kriteria." in refused.content.decode()
    assert "Ruang kelas dingin" in refused.content.decode()
    assert EvaluationSubmission.objects.count() == 0

    response = client.post(url, data)
    assert response.status_code == 302
    assert EvaluationSubmission.objects.filter(enrolment=enrolment).count() == 1
    assert EvaluationComment.objects.get(speaker=None, widyaiswara=None).text == (
        "Ruang kelas dingin"
    )
    waiting = client.get(reverse("participants:my_evaluations")).content.decode()
    assert url not in waiting

    # A second answer is refused politely and not recorded.
    again = client.post(url, data)
    assert "Anda sudah mengisi evaluasi ini" in again.content.decode()
    assert EvaluationSubmission.objects.count() == 1
    assert EvaluationAnswer.objects.count() == 14


def test_a_participant_cannot_answer_for_another_cohort(client, world):
    stranger = enrol(CohortFactory())
    login_participant(client, stranger)
    url = reverse("participants:evaluation_form", args=[world["cohort"].pk, world["key"]])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert EvaluationSubmission.objects.count() == 0


def test_staff_see_the_rate_and_the_averages_only_from_the_fifth_answer(client, world):
    url = reverse("participants:evaluation_results", args=[world["cohort"].pk])
    client.force_login(staff_user())
    for enrolment in world["enrolments"][:4]:
        answer(world, enrolment, value=60, comment="Kurang contoh kasus")
    page = client.get(url).content.decode()
    assert "4 / 6" in page
    assert str(NOT_ENOUGH) in page
    assert "Kurang contoh kasus" not in page and "60,00" not in page

    answer(world, world["enrolments"][4], value=100, comment="Sangat jelas")
    page = client.get(url).content.decode()
    assert "5 / 6" in page and "83%" in page
    assert "68,00" in page  # (4 × 60 + 100) / 5
    assert "Kurang contoh kasus" in page and "Sangat jelas" in page
    # Only the questionnaires nobody answered yet still say so.
    assert str(NOT_ENOUGH) not in page.split('id="evaluation-speakers"')[1]


def test_a_widyaiswara_sees_their_own_averages_from_the_fifth_answer(client, world):
    client.force_login(world["teacher"])
    url = reverse("participants:my_teaching_evaluations")
    queue = client.get(reverse("projects:queue")).content.decode()
    assert url in queue
    for enrolment in world["enrolments"][:4]:
        answer(world, enrolment, value=80)
    page = client.get(url).content.decode()
    assert str(NOT_ENOUGH) in page and "80,00" not in page
    answer(world, world["enrolments"][4], value=80)
    page = client.get(url).content.decode()
    assert "80,00" in page and str(world["cohort"]) in page


def test_another_agencys_staff_get_404(client, world):
    client.force_login(staff_user(institutions=[TrainingAgencyFactory(code="lain")]))
    cohort = world["cohort"].pk
    assert client.get(reverse("participants:evaluation_results", args=[cohort])).status_code == 404
    remind = reverse("participants:evaluation_remind", args=[cohort, world["key"]])
    assert client.post(remind).status_code == 404
    assert Notification.objects.count() == 0


def test_staff_remind_those_who_have_not_answered(client, world):
    for enrolment in world["enrolments"][:2]:
        answer(world, enrolment)
    client.force_login(staff_user())
    remind = reverse("participants:evaluation_remind", args=[world["cohort"].pk, world["key"]])
    response = client.post(remind, follow=True)
    assert "4 peserta diingatkan" in response.content.decode()
    told = Notification.objects.filter(kind=NotificationKind.EVALUATION_DUE)
    assert sorted(told.values_list("name", flat=True)) == sorted(
        e.participant.name for e in world["enrolments"][2:]
    )
    assert all(world["key"] in n.link for n in told)
    # A second click the same day tells no one twice.
    response = client.post(remind, follow=True)
    assert "Tidak ada yang perlu diingatkan" in response.content.decode()
    assert told.count() == 4


@pytest.mark.parametrize("answers", [5, 12])
def test_the_results_page_costs_the_same_queries_whatever_the_answers(
    client, world, django_assert_num_queries, answers
):
    for _ in range(answers - len(world["enrolments"])):
        world["enrolments"].append(enrol(world["cohort"]))
    for enrolment in world["enrolments"][:answers]:
        answer(world, enrolment, comment="Baik")
    client.force_login(staff_user())
    url = reverse("participants:evaluation_results", args=[world["cohort"].pk])
    # The session, the user, their permissions (user and group), the cohort; its phases and
    # sessions; the enrolled count, the submissions per questionnaire; the answers per group
    # and criterion, per rating band; the comments; the users and register speakers rated;
    # the user's groups (the menu). None per participant, answer or speaker.
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("guests", [0, 4])
def test_the_form_costs_the_same_queries_whatever_the_speakers(
    client, world, django_assert_num_queries, guests
):
    for number in range(guests):
        speaker = speaker_create(
            institution=world["cohort"].organiser, name=f"Narasumber Tamu {number}", kind="praktisi"
        )
        session_add(
            phase=world["phase"], date=world["day"], start_time=f"{13 + number}:00",
            end_time=f"{13 + number}:45", subject="Studi kasus", speaker=speaker,
        )  # fmt: skip
    login_participant(client, world["enrolments"][0])
    url = reverse("participants:evaluation_form", args=[world["cohort"].pk, world["key"]])
    client.get(url)  # the program's default criteria are made on the first visit
    # The session, the user, their groups (role), the participant, the enrolment with its
    # cohort and program; the cohort's phases and sessions with their teachers; whether they
    # answered already; the program's criteria (the menu reuses the groups read for the role).
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("<section") == 3 + guests
