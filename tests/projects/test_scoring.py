"""Rubric scores: exact arithmetic, the history of every criterion, no lost updates, and
grades closed after the graduation meeting."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort
from participants.accounts import mentor_account_ensure
from participants.models import Enrolment
from participants.services import mentor_upsert
from projects.closing import grades_close, grades_reopen
from projects.gradebook import component_scores_record
from projects.models import ChangeProject, CriterionScore, ScoreComponent, ScoringRole, State
from projects.scoring import project_score_of, rubrics_check, rubrics_save, sheet_save
from projects.seminars import seminar_schedule
from projects.workflow import step_take

from ..factories import CohortFactory, enrol, staff_user, valid_nip, widyaiswara_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    """A program with two-criterion rubrics per role; one project with its report in, a
    mentor and two examiners."""
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_save(
        program=cohort.program,
        role_weights={
            ScoringRole.COACH: Decimal(30),
            ScoringRole.MENTOR: Decimal(20),
            ScoringRole.EXAMINER: Decimal(50),
        },
        criteria={
            role: [("Capaian", "", Decimal("60.5")), ("Komunikasi", "", Decimal("39.5"))]
            for role in (ScoringRole.COACH, ScoringRole.MENTOR, ScoringRole.EXAMINER)
        },
    )
    coach = widyaiswara_user(username="coach", first_name="Dra. Siti", last_name="Rohmah")
    mentor = mentor_upsert(nip=valid_nip(901), name="Ir. Kepala Dinas")
    enrolment = enrol(cohort, coach=coach)
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    ChangeProject.objects.filter(enrolment=enrolment).update(state=State.REPORT_SUBMITTED)
    examiners = [widyaiswara_user(username="p1"), widyaiswara_user(username="p2")]
    seminar_schedule(
        cohort=cohort,
        starts_at=timezone.now(),
        room="Aula",
        examiners=examiners,
        enrolments=[enrolment],
        actor=staff_user(),
    )
    project = ChangeProject.objects.get(enrolment=enrolment)
    return {
        "cohort": cohort,
        "project": project,
        "coach": coach,
        "mentor": mentor_account_ensure(mentor=mentor, invite=False),
        "examiners": examiners,
        "criteria": {
            role: list(cohort.program.rubrics.get(role=role).criteria.order_by("order"))
            for role in (ScoringRole.COACH, ScoringRole.MENTOR, ScoringRole.EXAMINER)
        },
    }


def save(s, role, scorer, first, second, version=0, reason=""):
    a, b = s["criteria"][role]
    return sheet_save(
        project=s["project"], role=role, scorer=scorer,
        values={a.pk: (Decimal(first), "catatan"), b.pk: (Decimal(second), "")},
        version=version, reason=reason,
    )  # fmt: skip


def test_the_project_score_weighs_criteria_then_roles_exactly(scored):
    s = scored
    # 0.605*85 + 0.395*78 = 51.425 + 30.81 = 82.235 -> 82.24 (half up, not to even)
    coach = save(s, ScoringRole.COACH, s["coach"], "85", "78")
    assert coach.score == Decimal("82.24")
    save(s, ScoringRole.MENTOR, s["mentor"], "90", "90")
    first = save(s, ScoringRole.EXAMINER, s["examiners"][0], "80", "70")  # 76.05
    assert first.score == Decimal("76.05")
    # One examiner of two has scored: the project score stays open.
    result = project_score_of(s["project"])
    assert result.score is None and result.missing == ["Penguji"]
    save(s, ScoringRole.EXAMINER, s["examiners"][1], "70.01", "70")  # 70.00605 -> 70.01
    result = project_score_of(s["project"])
    # examiners: (76.05 + 70.01) / 2 = 73.03; 0.3*82.24 + 0.2*90 + 0.5*73.03 = 24.672 + 18
    # + 36.515 = 79.187 -> 79.19
    assert result.roles == {
        ScoringRole.COACH: Decimal("82.24"),
        ScoringRole.MENTOR: Decimal("90.00"),
        ScoringRole.EXAMINER: Decimal("73.03"),
    }
    assert result.score == Decimal("79.19")
    s["project"].refresh_from_db()
    assert s["project"].final_score == Decimal("79.19")
    assert s["project"].predicate == "Cukup Memuaskan"


def test_rubric_weights_must_add_up_to_100():
    with pytest.raises(ValidationError) as error:
        rubrics_check(
            {
                ScoringRole.COACH: Decimal(50),
                ScoringRole.MENTOR: Decimal(20),
                ScoringRole.EXAMINER: Decimal(20),
            },
            {},
        )
    assert error.value.messages == [
        "Bobot coach, mentor, dan penguji harus berjumlah 100% (sekarang 90%)."
    ]
    with pytest.raises(ValidationError) as error:
        rubrics_check(
            {
                ScoringRole.COACH: Decimal(100),
                ScoringRole.MENTOR: Decimal(0),
                ScoringRole.EXAMINER: Decimal(0),
            },
            {ScoringRole.COACH: [Decimal(60), Decimal("39.99")]},
        )
    assert error.value.messages == [
        "Bobot kriteria rubrik Coach harus berjumlah 100% (sekarang 99,99%)."
    ]


def test_scores_are_refused_before_the_report_and_out_of_range(scored):
    s = scored
    ChangeProject.objects.filter(pk=s["project"].pk).update(state=State.IMPLEMENTATION)
    with pytest.raises(ValidationError, match="belum dapat diisi"):
        save(s, ScoringRole.COACH, s["coach"], "80", "80")
    ChangeProject.objects.filter(pk=s["project"].pk).update(state=State.REPORT_SUBMITTED)
    with pytest.raises(ValidationError, match="antara 0 dan 100"):
        save(s, ScoringRole.COACH, s["coach"], "100.01", "80")
    assert not CriterionScore.objects.exists()


def test_every_change_after_submission_needs_a_reason_and_is_kept(scored):
    s = scored
    first = save(s, ScoringRole.COACH, s["coach"], "85", "78")
    with pytest.raises(ValidationError) as error:
        save(s, ScoringRole.COACH, s["coach"], "88", "78", version=first.version)
    assert error.value.messages == ["Nilai ini sudah dikirim: tuliskan alasan perubahannya."]
    save(
        s,
        ScoringRole.COACH,
        s["coach"],
        "88",
        "78",
        version=first.version,
        reason="Bukti susulan diterima",
    )

    capaian = s["criteria"][ScoringRole.COACH][0]
    history = list(
        CriterionScore.history.filter(criterion=capaian).order_by("history_date", "history_id")
    )
    assert [(h.score, h.history_user, h.history_change_reason) for h in history] == [
        (Decimal("85.00"), s["coach"], "Nilai pertama"),
        (Decimal("88.00"), s["coach"], "Bukti susulan diterima"),
    ]
    # The unchanged criterion gained no history entry.
    assert CriterionScore.history.filter(criterion=s["criteria"][ScoringRole.COACH][1]).count() == 1


def test_the_history_page_shows_who_when_old_new_and_why(client, scored):
    s = scored
    first = save(s, ScoringRole.COACH, s["coach"], "85", "78")
    save(
        s, ScoringRole.COACH, s["coach"], "88", "78", version=first.version, reason="Bukti susulan"
    )
    client.force_login(staff_user())
    page = client.get(reverse("projects:grades_history", args=[s["cohort"].pk])).content.decode()
    row = page.split('id="criterion-history"')[1].split("</tr>")[1]
    assert "Dra. Siti Rohmah" in row and "Capaian" in row
    assert "85,00" in row and "88,00" in row and "Bukti susulan" in row
    # The coach sees the project's history too; the participant does not.
    client.force_login(s["coach"])
    page = client.get(reverse("projects:detail", args=[s["project"].pk])).content.decode()
    assert "Bukti susulan" in page


def test_two_forms_loaded_both_saved_the_second_is_refused(client, scored):
    s = scored
    save(s, ScoringRole.COACH, s["coach"], "85", "78")
    url = reverse("projects:sheet", args=[s["project"].pk, ScoringRole.COACH])
    a, b = s["criteria"][ScoringRole.COACH]
    client.force_login(s["coach"])
    # Two tabs open the same sheet at version 1.
    loaded = client.get(url).context["form"]["version"].value()
    assert loaded == 1

    def post(first, reason):
        return client.post(url, {
            "version": loaded, "reason": reason,
            f"score_{a.pk}": first, f"comment_{a.pk}": "", f"score_{b.pk}": "78",
            f"comment_{b.pk}": "",
        })  # fmt: skip

    assert post("90", "Revisi laptop").status_code == 302
    second = post("70", "Revisi ponsel")
    assert second.status_code == 200
    page = second.content.decode()
    assert "baru saja disimpan oleh Dra. Siti Rohmah" in page
    assert "Capaian 90,00" in page  # the newer value, shown
    assert CriterionScore.objects.get(criterion=a).score == Decimal("90.00")


def test_two_staff_on_one_gradebook_cell_the_second_is_refused(client, scored):
    s = scored
    cohort, enrolment = s["cohort"], s["project"].enrolment
    attitude = ScoreComponent.objects.create(program=cohort.program, order=1, code="sikap",
                                             name="Sikap", weight=100)  # fmt: skip
    component_scores_record(cohort=cohort, values={(enrolment.pk, attitude.pk): Decimal("80")},
                            recorded_by=None)  # fmt: skip
    url = reverse("projects:gradebook", args=[cohort.pk])
    cell = f"{enrolment.pk}-{attitude.pk}"
    client.force_login(staff_user(username="rina"))
    assert client.post(url, {f"score-{cell}": "85", f"loaded-{cell}": "80,00",
                             "reason": "Rapat"}).status_code == 302  # fmt: skip
    client.force_login(staff_user(username="budi"))
    page = client.post(url, {f"score-{cell}": "75", f"loaded-{cell}": "80,00",
                             "reason": "Salah"}, follow=True).content.decode()  # fmt: skip
    assert "diubah orang lain" in page and "Sikap: 85,00" in page
    assert enrolment.component_scores.get().score == Decimal("85.00")


def test_closed_grades_change_only_after_reopening_with_a_reason(client, scored):
    s = scored
    cohort, staff, project = s["cohort"], staff_user(username="rina"), s["project"]
    save(s, ScoringRole.COACH, s["coach"], "85", "78")
    save(s, ScoringRole.MENTOR, s["mentor"], "90", "90")
    with pytest.raises(ValidationError, match="belum final"):
        grades_close(cohort=cohort, actor=staff)
    for examiner in s["examiners"]:
        save(s, ScoringRole.EXAMINER, examiner, "60", "60")
    step_take(project=project, user=s["examiners"][0], action="mark_examined")
    step_take(project=project, user=staff, action="finalize")
    grades_close(cohort=cohort, actor=staff)
    enrolment = Enrolment.objects.get(pk=project.enrolment_id)
    # 0.3*82.24 + 0.2*90 + 0.5*60 = 72.67: passed
    assert enrolment.status == Enrolment.Status.PASSED

    with pytest.raises(ValidationError, match="sudah ditutup"):
        step_take(project=project, user=staff, action="reopen_scoring", comment="Keberatan")
    with pytest.raises(ValidationError, match="alasan"):
        grades_reopen(cohort=cohort, actor=staff, reason=" ")

    client.force_login(staff)
    gradebook = reverse("projects:gradebook", args=[cohort.pk])
    client.post(reverse("projects:grades_reopen", args=[cohort.pk]),
                {"reason": "Keberatan peserta diterima rapat"})  # fmt: skip
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    step_take(project=project, user=staff, action="reopen_scoring", comment="Keberatan")
    sheet = project.sheets.get(role=ScoringRole.COACH)
    save(
        s,
        ScoringRole.COACH,
        s["coach"],
        "50",
        "50",
        version=sheet.version,
        reason="Keberatan diterima",
    )
    step_take(project=project, user=staff, action="finalize")
    client.post(reverse("projects:grades_close", args=[cohort.pk]))
    enrolment.refresh_from_db()
    # 0.3*50 + 18 + 30 = 63.00: failed this time
    assert enrolment.status == Enrolment.Status.FAILED
    assert "Nilai ditutup pada" in client.get(gradebook).content.decode()
    history = client.get(reverse("projects:grades_history", args=[cohort.pk])).content.decode()
    assert "Keberatan peserta diterima rapat" in history
    assert history.count("Nilai ditutup") == 2
    # The outcome's own history: who decided what, and why.
    outcomes, previous = [], None
    for h in enrolment.history.order_by("history_date", "history_id"):
        if previous is not None and h.status != previous:
            outcomes.append((h.status, h.history_change_reason))
        previous = h.status
    assert outcomes == [
        ("passed", "Nilai angkatan ditutup"),
        ("active", "Keberatan peserta diterima rapat"),
        ("failed", "Nilai angkatan ditutup"),
    ]


def test_a_closed_grade_cannot_change_through_a_sheet(scored):
    s = scored
    for role, scorer in [(ScoringRole.COACH, s["coach"]), (ScoringRole.MENTOR, s["mentor"])]:
        save(s, role, scorer, "80", "80")
    for examiner in s["examiners"]:
        save(s, ScoringRole.EXAMINER, examiner, "80", "80")
    sheet = s["project"].sheets.get(role=ScoringRole.EXAMINER, scorer=s["examiners"][1])
    Cohort.objects.filter(pk=s["cohort"].pk).update(grades_closed_at=timezone.now())
    with pytest.raises(ValidationError, match="sudah ditutup"):
        save(
            s,
            ScoringRole.EXAMINER,
            s["examiners"][1],
            "50",
            "50",
            version=sheet.version,
            reason="x",
        )


def test_a_replaced_coach_no_longer_counts(scored):
    s = scored
    save(s, ScoringRole.COACH, s["coach"], "90", "90")
    save(s, ScoringRole.MENTOR, s["mentor"], "90", "90")
    for examiner in s["examiners"]:
        save(s, ScoringRole.EXAMINER, examiner, "90", "90")
    assert project_score_of(s["project"]).score == Decimal("90.00")
    enrolment = s["project"].enrolment
    enrolment.coach = widyaiswara_user(username="pengganti")
    enrolment.save(update_fields=["coach"])
    s["project"].refresh_from_db()
    result = project_score_of(s["project"])
    assert result.score is None and result.missing == ["Coach"]
    save(s, ScoringRole.COACH, enrolment.coach, "60", "60")
    # 0.3*60 + 0.2*90 + 0.5*90 = 81.00: the new coach's sheet alone, not averaged with the old
    assert project_score_of(s["project"]).score == Decimal("81.00")


def test_staff_mark_a_participant_deferred_with_a_reason(client, scored):
    enrolment = scored["project"].enrolment
    client.force_login(staff_user(username="rina"))
    url = reverse("projects:enrolment_status", args=[enrolment.pk])
    page = client.post(url, {"status": "deferred", "reason": ""}, follow=True).content.decode()
    assert "Tuliskan alasan perubahan status" in page
    client.post(url, {"status": "passed", "reason": "Lulus saja"})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.REGISTERED
    client.post(url, {"status": "deferred", "reason": "Sakit, ikut angkatan berikutnya"})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.DEFERRED
    last = enrolment.history.latest("history_date")
    assert last.history_change_reason == "Sakit, ikut angkatan berikutnya"
    assert last.history_user.username == "rina"
    client.force_login(scored["coach"])
    assert client.post(url, {"status": "active", "reason": "x"}).status_code == 403


def test_a_refused_sheet_keeps_what_was_typed_and_marks_the_criterion(client, scored):
    s = scored
    url = reverse("projects:sheet", args=[s["project"].pk, ScoringRole.COACH])
    a, b = s["criteria"][ScoringRole.COACH]
    client.force_login(s["coach"])
    response = client.post(url, {
        "version": 0,
        f"score_{a.pk}": "85,5", f"comment_{a.pk}": "Data antrean lengkap.",
        f"score_{b.pk}": "101", f"comment_{b.pk}": "Presentasi runtut.",
    })  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="85,5"' in page and 'value="101"' in page
    assert "Data antrean lengkap." in page and "Presentasi runtut." in page
    name = s["project"].enrolment.participant.name
    assert f"{name}, Komunikasi: isi nilai 0-100" in page
    assert page.count("is-invalid") == 1
    assert f'id="id_score_{b.pk}"' in page.split("is-invalid")[1].split(">")[0]
    assert "Belum ada nilai yang disimpan" in page
    assert not CriterionScore.objects.exists()
