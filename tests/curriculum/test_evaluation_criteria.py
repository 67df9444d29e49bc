"""Staff set a program's evaluation scale and criteria on its page (issue 16)."""

import pytest
from django.urls import reverse

from curriculum.models import EvaluationCriterion, EvaluationScale
from curriculum.services import evaluation_criteria_ensure
from participants.models import EvaluationAnswer
from participants.services import participant_account_ensure

from ..factories import (
    PASSWORD,
    CohortFactory,
    ProgramFactory,
    enrol,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db


def url(program):
    return reverse("curriculum:evaluation_setup", args=[program.code])


def criteria_post(program, scale=None, changes=None, extra=None):
    """The page's form as staff send it: every criterion as shown, with `changes`
    {(target, index): {field: value}} and `extra` {target: [new rows]}."""
    data = {"scale": scale or program.evaluation_scale}
    for target in EvaluationCriterion.Target.values:
        rows = [
            {"id": c.pk, "order": c.order, "label": c.label}
            for c in EvaluationCriterion.objects.filter(program=program, target=target)
        ]
        initial = len(rows)
        for (where, index), change in (changes or {}).items():
            if where == target:
                rows[index].update(change)
        rows.extend((extra or {}).get(target, []))
        data.update(
            {
                f"{target}-TOTAL_FORMS": str(len(rows)),
                f"{target}-INITIAL_FORMS": str(initial),
                f"{target}-MIN_NUM_FORMS": "0",
                f"{target}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key == "DELETE":
                    if value:
                        data[f"{target}-{i}-DELETE"] = "on"
                else:
                    data[f"{target}-{i}-{key}"] = str(value)
    return data


def labels(program, target):
    return list(
        EvaluationCriterion.objects.filter(program=program, target=target).values_list(
            "label", flat=True
        )
    )


@pytest.fixture
def program():
    program = ProgramFactory()
    evaluation_criteria_ensure(program=program)
    return program


def answered(program, label):
    """One participant's rating on the criterion `label` (the rule of five does not matter:
    one answer is enough to tie the criterion and the scale)."""
    cohort = CohortFactory(program=program)
    criterion = EvaluationCriterion.objects.get(program=program, label=label)
    EvaluationAnswer.objects.create(
        cohort=cohort, questionnaire="tahap-1", held_on=cohort.start_date, criterion=criterion,
        value=80,
    )  # fmt: skip
    return criterion


def test_the_program_page_links_to_the_criteria(client, program):
    client.force_login(staff_user())
    page = client.get(program.get_absolute_url()).content.decode()
    assert url(program) in page


def test_staff_rename_reorder_add_and_remove_criteria_and_choose_the_scale(client, program):
    client.force_login(staff_user())
    response = client.post(
        url(program),
        criteria_post(
            program,
            scale=EvaluationScale.HUNDRED,
            changes={
                ("speaker", 0): {"order": 9, "label": "Penguasaan materi dan contoh"},
                ("speaker", 4): {"DELETE": True},
            },
            extra={"organiser": [{"order": 5, "label": "Kebersihan kelas"}]},
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == program.get_absolute_url()
    assert labels(program, "speaker") == [
        "Cara menyampaikan materi",
        "Disiplin dan ketepatan waktu",
        "Penggunaan waktu",
        "Penguasaan materi dan contoh",
    ]
    assert labels(program, "organiser")[-1] == "Kebersihan kelas"
    program.refresh_from_db()
    assert program.evaluation_scale == EvaluationScale.HUNDRED
    page = client.get(url(program)).content.decode()
    assert "Penguasaan materi dan contoh" in page


def test_two_criteria_can_swap_their_names(client, program):
    client.force_login(staff_user())
    response = client.post(
        url(program),
        criteria_post(
            program,
            changes={
                ("organiser", 0): {"label": "Konsumsi"},
                ("organiser", 1): {"label": "Sarana dan prasarana"},
            },
        ),
    )
    assert response.status_code == 302
    assert labels(program, "organiser")[:2] == ["Konsumsi", "Sarana dan prasarana"]


def test_the_last_criterion_of_a_target_cannot_be_removed(client, program):
    client.force_login(staff_user())
    before = labels(program, "organiser")
    response = client.post(
        url(program),
        criteria_post(
            program,
            scale=EvaluationScale.HUNDRED,
            changes={("organiser", i): {"DELETE": True} for i in range(len(before))}
            | {("speaker", 0): {"label": "Ketikan yang tetap ada"}},
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Evaluasi penyelenggara harus memiliki paling sedikit satu kriteria" in page
    assert "Ketikan yang tetap ada" in page  # what was typed stays
    assert labels(program, "organiser") == before  # nothing saved
    assert "Ketikan yang tetap ada" not in labels(program, "speaker")
    program.refresh_from_db()
    assert program.evaluation_scale == EvaluationScale.FOUR_LEVELS


def test_a_criterion_with_answers_cannot_be_deleted_but_can_be_renamed(client, program):
    criterion = answered(program, "Konsumsi")
    client.force_login(staff_user())
    response = client.post(
        url(program), criteria_post(program, changes={("organiser", 1): {"DELETE": True}})
    )
    assert response.status_code == 200
    assert "sudah dinilai peserta dan tidak dapat dihapus" in response.content.decode()
    assert "Konsumsi" in labels(program, "organiser")

    response = client.post(
        url(program),
        criteria_post(program, changes={("organiser", 1): {"label": "Konsumsi dan snack"}}),
    )
    assert response.status_code == 302
    answer = EvaluationAnswer.objects.select_related("criterion").get()
    assert answer.criterion == criterion
    assert answer.criterion.label == "Konsumsi dan snack"


def test_the_scale_cannot_change_once_answered(client, program):
    answered(program, "Jadwal")
    client.force_login(staff_user())
    response = client.post(url(program), criteria_post(program, scale=EvaluationScale.HUNDRED))
    assert response.status_code == 200
    assert "Skala tidak dapat diubah" in response.content.decode()
    program.refresh_from_db()
    assert program.evaluation_scale == EvaluationScale.FOUR_LEVELS
    # Criteria not yet rated still change.
    response = client.post(
        url(program), criteria_post(program, changes={("speaker", 4): {"DELETE": True}})
    )
    assert response.status_code == 302
    assert len(labels(program, "speaker")) == 4


@pytest.mark.parametrize("who", ["participant", "widyaiswara"])
def test_participants_and_widyaiswara_are_refused(client, program, who):
    if who == "participant":
        enrolment = enrol(CohortFactory(program=program))
        user = participant_account_ensure(participant=enrolment.participant, password=PASSWORD)
    else:
        user = widyaiswara_user()
    client.force_login(user)
    assert client.get(url(program)).status_code == 403
    assert client.post(url(program), criteria_post(program)).status_code == 403


@pytest.mark.parametrize("extra_criteria", [0, 20])
def test_the_page_costs_the_same_whatever_the_number_of_criteria(
    client, program, django_assert_num_queries, extra_criteria
):
    client.force_login(staff_user())
    for order in range(6, 6 + extra_criteria):
        EvaluationCriterion.objects.create(
            program=program, target="speaker", label=f"Kriteria {order}", order=order
        )
    # Session, user, their permissions (2) and groups (the menu); the program, its criteria
    # and whether any is answered: no query per criterion.
    with django_assert_num_queries(8):
        response = client.get(url(program))
    assert response.status_code == 200
