"""The project's life: every allowed step, and a refused one for each role."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from participants.accounts import mentor_account_ensure
from participants.services import mentor_upsert, participant_account_ensure
from projects.documents import document_upload
from projects.models import Milestone, ProjectStep, ScoringRole, State, Theme
from projects.scoring import rubrics_default, rubrics_of, sheet_save
from projects.seminars import seminar_schedule
from projects.workflow import step_take

from ..factories import PASSWORD, CohortFactory, enrol, staff_user, valid_nip, widyaiswara_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def cast():
    """A participant with a login, their coach and mentor, an examiner, staff and others."""
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_default(cohort.program)
    coach = widyaiswara_user(username="coach")
    mentor = mentor_upsert(nip=valid_nip(900), name="Drs. Atasan Langsung, M.Si.")
    mentor_user = mentor_account_ensure(mentor=mentor, invite=False)
    enrolment = enrol(cohort, coach=coach)
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    other = enrol(cohort, coach=coach)
    return {
        "cohort": cohort,
        "project": enrolment.project,
        "enrolment": enrolment,
        "participant": participant_account_ensure(
            participant=enrolment.participant, password=PASSWORD
        ),
        "other_participant": participant_account_ensure(
            participant=other.participant, password=PASSWORD
        ),
        "coach": coach,
        "mentor": mentor_user,
        "examiner": widyaiswara_user(username="penguji"),
        "stranger": widyaiswara_user(username="lain"),
        "staff": staff_user(),
    }


def design_fill(project):
    project.title = "Antrean daring di puskesmas"
    project.theme = Theme.objects.get_or_create(name="Pelayanan publik")[0]
    project.problem = "Antrean pagi panjang; pasien menunggu dua jam."
    project.innovation = "Nomor antrean lewat WhatsApp dan papan antrean daring."
    project.save()
    Milestone.objects.create(
        project=project, term=Milestone.Term.SHORT, activity="Rapat dengan kepala puskesmas"
    )


def refused(message_part, **kwargs):
    with pytest.raises(ValidationError) as error:
        step_take(**kwargs)
    assert message_part in " ".join(error.value.messages)


def state_of(project):
    project.refresh_from_db()
    return project.state


def all_criteria(project, role, score):
    criteria = rubrics_of(project.enrolment.cohort.program)[role].criteria_list
    return {c.pk: (Decimal(score), "") for c in criteria}


def test_the_whole_life_with_every_allowed_step(cast):
    project, participant = cast["project"], cast["participant"]

    refused("isi judul, tema, masalah, gagasan inovasi, tonggak",
            project=project, user=participant, action="submit_design")  # fmt: skip
    design_fill(project)
    step_take(project=project, user=participant, action="submit_design")
    assert state_of(project) == State.DESIGN_SUBMITTED

    step_take(project=project, user=cast["mentor"], action="request_revision",
              comment="Tambahkan data antrean bulan lalu.")  # fmt: skip
    assert state_of(project) == State.REVISION
    step_take(project=project, user=participant, action="submit_design", comment="Sudah.")

    # Approved by both the coach and the mentor before implementation starts.
    step_take(project=project, user=cast["coach"], action="approve_design")
    assert state_of(project) == State.DESIGN_SUBMITTED
    refused("sudah menyetujui", project=project, user=cast["coach"], action="approve_design")
    refused("sudah menyetujui", project=project, user=cast["coach"], action="request_revision",
            comment="Berubah pikiran.")  # fmt: skip
    step_take(project=project, user=cast["mentor"], action="approve_design", comment="Setuju.")
    assert state_of(project) == State.IMPLEMENTATION

    refused(
        "Unggah laporan terlebih dahulu", project=project, user=participant, action="submit_report"
    )
    document_upload(project=project, kind="report", upload=SimpleUploadedFile("lap.pdf", PDF),
                    user=participant)  # fmt: skip
    step_take(project=project, user=participant, action="submit_report")
    step_take(project=project, user=cast["coach"], action="return_report",
              comment="Lampirkan foto kegiatan.")  # fmt: skip
    assert state_of(project) == State.IMPLEMENTATION
    # The returned report is not submitted again as it was: a new version first.
    refused("unggah versi laporan yang baru",
            project=project, user=participant, action="submit_report")  # fmt: skip
    document_upload(project=project, kind="report", upload=SimpleUploadedFile("lap2.pdf", PDF),
                    user=participant)  # fmt: skip
    step_take(project=project, user=participant, action="submit_report")
    assert state_of(project) == State.REPORT_SUBMITTED

    seminar_schedule(
        cohort=cast["cohort"], starts_at=timezone.now(), room="Ruang Seminar 2",
        examiners=[cast["examiner"]], enrolments=[cast["enrolment"]], actor=cast["staff"],
    )  # fmt: skip
    assert state_of(project) == State.SEMINAR_SCHEDULED

    refused("Kirim nilai penguji", project=project, user=cast["examiner"], action="mark_examined")
    sheet_save(
        project=project,
        role=ScoringRole.EXAMINER,
        scorer=cast["examiner"],
        values=all_criteria(project, ScoringRole.EXAMINER, "86"),
        version=0,
    )
    step_take(project=project, user=cast["examiner"], action="mark_examined")
    assert state_of(project) == State.EXAMINED

    refused("Nilai proyek belum lengkap: Coach, Mentor",
            project=project, user=cast["staff"], action="finalize")  # fmt: skip
    sheet_save(
        project=project,
        role=ScoringRole.COACH,
        scorer=cast["coach"],
        values=all_criteria(project, ScoringRole.COACH, "90"),
        version=0,
    )
    sheet_save(
        project=project,
        role=ScoringRole.MENTOR,
        scorer=cast["mentor"],
        values=all_criteria(project, ScoringRole.MENTOR, "80"),
        version=0,
    )
    step_take(project=project, user=cast["staff"], action="finalize")
    assert state_of(project) == State.FINAL
    # 40% coach 90 + 20% mentor 80 + 40% examiner 86 = 86.40
    assert project.final_score == Decimal("86.40")
    # Final: no scorer changes it any more, until staff reopen the scoring with a reason.
    with pytest.raises(ValidationError, match="belum dapat diisi"):
        sheet_save(
            project=project,
            role=ScoringRole.COACH,
            scorer=cast["coach"],
            version=1,
            values=all_criteria(project, ScoringRole.COACH, "50"),
            reason="Salah",
        )
    refused("Tuliskan catatan", project=project, user=cast["staff"], action="reopen_scoring")
    step_take(project=project, user=cast["staff"], action="reopen_scoring",
              comment="Keberatan peserta")  # fmt: skip
    assert state_of(project) == State.EXAMINED
    step_take(project=project, user=cast["staff"], action="finalize")

    steps = list(ProjectStep.objects.filter(project=project).select_related("actor"))
    assert [s.action for s in steps] == [
        "submit_design", "request_revision", "submit_design", "approve_design",
        "approve_design", "submit_report", "return_report", "submit_report",
        "schedule_seminar", "mark_examined", "finalize", "reopen_scoring", "finalize",
    ]  # fmt: skip
    assert steps[1].actor == cast["mentor"] and steps[1].actor_role == "mentor"
    assert steps[1].comment == "Tambahkan data antrean bulan lalu."
    assert all(s.taken_at for s in steps)


@pytest.mark.parametrize(
    ("who", "action", "state", "message"),
    [
        # Each role, refused a step that belongs to someone else.
        ("participant", "approve_design", State.DESIGN_SUBMITTED, "coach peserta atau mentor"),
        ("other_participant", "submit_design", State.DRAFT, "peserta pemilik proyek"),
        ("coach", "submit_report", State.IMPLEMENTATION, "peserta pemilik proyek"),
        ("mentor", "return_report", State.REPORT_SUBMITTED, "coach peserta"),
        ("stranger", "approve_design", State.DESIGN_SUBMITTED, "coach peserta atau mentor"),
        ("examiner", "finalize", State.EXAMINED, "staf penyelenggara"),
        ("staff", "mark_examined", State.SEMINAR_SCHEDULED, "penguji seminar peserta"),
    ],
)
def test_a_step_that_is_not_yours_is_refused(cast, who, action, state, message):
    project = cast["project"]
    project.state = state
    project.save(update_fields=["state"])
    refused(message, project=project, user=cast[who], action=action)
    assert state_of(project) == state
    assert not ProjectStep.objects.exists()


def test_a_step_out_of_order_or_without_its_comment_is_refused(cast):
    project = cast["project"]
    refused("sedang pada tahap “Draf”",
            project=project, user=cast["participant"], action="submit_report")  # fmt: skip
    project.state = State.DESIGN_SUBMITTED
    project.save(update_fields=["state"])
    refused("Tuliskan catatan", project=project, user=cast["coach"], action="request_revision")
    refused("Langkah tidak dikenal", project=project, user=cast["coach"], action="hapus")
    assert state_of(project) == State.DESIGN_SUBMITTED


def test_without_a_mentor_the_coach_alone_approves(cast):
    enrolment = cast["enrolment"]
    enrolment.mentor = None
    enrolment.save(update_fields=["mentor"])
    project = cast["project"]
    design_fill(project)
    step_take(project=project, user=cast["participant"], action="submit_design")
    step_take(project=project, user=cast["coach"], action="approve_design")
    assert state_of(project) == State.IMPLEMENTATION


def test_a_mentor_removed_after_the_coach_approved_does_not_block_the_design(cast):
    project = cast["project"]
    design_fill(project)
    step_take(project=project, user=cast["participant"], action="submit_design")
    step_take(project=project, user=cast["coach"], action="approve_design")
    assert state_of(project) == State.DESIGN_SUBMITTED  # waiting for the mentor
    enrolment = cast["enrolment"]
    enrolment.mentor = None
    enrolment.save(update_fields=["mentor"])
    step_take(project=project, user=cast["coach"], action="approve_design", comment="Lanjut")
    assert state_of(project) == State.IMPLEMENTATION


def test_a_seminar_is_examined_only_once_it_has_taken_place(cast):
    project = cast["project"]
    project.state = State.REPORT_SUBMITTED
    project.save(update_fields=["state"])
    seminar = seminar_schedule(
        cohort=cast["cohort"], starts_at=timezone.now() + timedelta(days=2), room="R1",
        examiners=[cast["examiner"]], enrolments=[cast["enrolment"]], actor=cast["staff"],
    )  # fmt: skip
    sheet_save(
        project=project,
        role=ScoringRole.EXAMINER,
        scorer=cast["examiner"],
        values=all_criteria(project, ScoringRole.EXAMINER, "80"),
        version=0,
    )
    refused("Seminarnya belum berlangsung", project=project, user=cast["examiner"],
            action="mark_examined")  # fmt: skip
    seminar.starts_at = timezone.now() - timedelta(hours=1)
    seminar.save(update_fields=["starts_at"])
    step_take(project=project, user=cast["examiner"], action="mark_examined")
    assert state_of(project) == State.EXAMINED


def test_an_examiner_does_not_examine_their_own_coachee(cast):
    project = cast["project"]
    project.state = State.REPORT_SUBMITTED
    project.save(update_fields=["state"])
    with pytest.raises(ValidationError) as error:
        seminar_schedule(
            cohort=cast["cohort"], starts_at=timezone.now(), room="R1", examiners=[cast["coach"]],
            enrolments=[cast["enrolment"]], actor=cast["staff"],
        )  # fmt: skip
    assert "tidak dapat menguji peserta yang dibimbingnya sendiri" in error.value.messages[0]


def test_a_seminar_waits_for_the_report(cast):
    with pytest.raises(ValidationError) as error:
        seminar_schedule(
            cohort=cast["cohort"], starts_at=timezone.now(), room="R1",
            examiners=[cast["examiner"]], enrolments=[cast["enrolment"]], actor=cast["staff"],
        )  # fmt: skip
    assert "Laporan peserta berikut belum diajukan" in error.value.messages[0]
    assert state_of(cast["project"]) == State.DRAFT


def test_after_the_coach_approves_the_page_says_it_waits_for_the_mentor(client, cast):
    project = cast["project"]
    design_fill(project)
    step_take(project=project, user=cast["participant"], action="submit_design")
    client.force_login(cast["coach"])
    page = client.post(
        reverse("projects:step", args=[project.pk]), {"action": "approve_design"}, follow=True
    ).content.decode()
    assert "Persetujuan Anda tercatat; menunggu mentor peserta." in page
    # The coach has decided: neither approving again nor asking for revision is offered.
    assert 'data-action="approve_design"' not in page
    assert 'data-action="request_revision"' not in page
    assert "Tidak ada langkah untuk Anda" not in page

    client.force_login(cast["mentor"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-action="approve_design"' in page
    assert 'data-action="request_revision"' in page
    assert "Persetujuan Anda tercatat" not in page
