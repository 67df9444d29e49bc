"""Follow-up after the training (issue 18): rounds opened once at 3, 6 and 12 months after the
seminar, the participant's answers with evidence, the mentor's confirmation, who may do
what, and the staff dashboard's counts."""

from datetime import date, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from participants.accounts import mentor_account_ensure
from participants.models import Notification, NotificationKind
from participants.services import enrolment_create, mentor_upsert, participant_account_ensure
from projects.follow_up import follow_up_rounds_open, months_after
from projects.models import (
    FollowUpAnswer,
    FollowUpRound,
    Milestone,
    Seminar,
    State,
    Theme,
)

from ..factories import (
    PASSWORD,
    CohortFactory,
    ParticipantFactory,
    TrainingAgencyFactory,
    staff_user,
    valid_nip,
    widyaiswara_user,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SEMINAR_DAY = date(2022, 10, 20)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def mentor_with_login(n, name):
    mentor = mentor_upsert(nip=valid_nip(n), name=name)
    mentor_account_ensure(mentor=mentor, invite=False)
    return mentor


def followed_project(cohort, mentor, *, theme="Stunting", seminar_day=SEMINAR_DAY):
    """A participant (with a login) whose project was examined at a seminar, with a short-,
    a medium- and a long-term milestone."""
    enrolment = enrolment_create(
        cohort=cohort, participant=ParticipantFactory(), coach=None, mentor=mentor
    )
    participant_account_ensure(participant=enrolment.participant, password=PASSWORD)
    project = enrolment.project
    project.title = f"Kelas Ibu Hamil Cegah Stunting nomor {project.pk}"
    project.theme, _created = Theme.objects.get_or_create(name=theme)
    project.state = State.FINAL
    project.save()
    for term, activity in [
        (Milestone.Term.SHORT, "Rapat tim efektif"),
        (Milestone.Term.MEDIUM, "Perluasan ke dua puskesmas"),
        (Milestone.Term.LONG, "Masuk rencana kerja dinas"),
    ]:
        Milestone.objects.create(project=project, term=term, activity=activity)
    seminar = Seminar.objects.create(
        cohort=cohort,
        starts_at=timezone.make_aware(datetime.combine(seminar_day, time(9))),
        room="Aula",
    )
    seminar.enrolments.add(enrolment)
    return project


@pytest.fixture
def world(db):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    mentor = mentor_with_login(900, "Drs. Atasan Langsung, M.Si.")
    other_mentor = mentor_with_login(901, "Ir. Atasan Lain, M.T.")
    project = followed_project(cohort, mentor)
    other_project = followed_project(cohort, other_mentor, theme="Gizi buruk")
    elsewhere = TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Provinsi Lain")
    return {
        "cohort": cohort,
        "project": project,
        "other_project": other_project,
        "owner": project.enrolment.participant.user,
        "other_participant": other_project.enrolment.participant.user,
        "mentor": mentor.user,
        "other_mentor": other_mentor.user,
        "coach": widyaiswara_user(),
        "staff": staff_user(),
        "other_staff": staff_user(institutions=[elsewhere]),
    }


def test_rounds_open_once_at_3_6_and_12_months_and_both_are_told(world):
    project = world["project"]
    three = months_after(SEMINAR_DAY, 3)
    assert three == date(2023, 1, 20)
    assert follow_up_rounds_open(today=date(2023, 1, 19)) == []

    opened = follow_up_rounds_open(today=three)
    assert sorted((r.project_id, r.months) for r in opened) == sorted(
        [(world["other_project"].pk, 3), (project.pk, 3)]
    )
    # Run again the same day: nothing more opened, nobody told twice.
    assert follow_up_rounds_open(today=three) == []
    told = Notification.objects.filter(
        kind=NotificationKind.EVALUATION_DUE, key=f"follow_up:{project.pk}:3"
    )
    assert sorted(told.values_list("name", flat=True)) == sorted(
        [project.enrolment.participant.name, "Drs. Atasan Langsung, M.Si."]
    )

    # A job missed for months opens what is due since, once.
    later = follow_up_rounds_open(today=date(2023, 11, 1))
    assert sorted(r.months for r in later if r.project_id == project.pk) == [6, 12]
    assert follow_up_rounds_open(today=date(2024, 6, 1)) == []
    assert list(project.follow_up_rounds.values_list("months", "due_on")) == [
        (3, date(2023, 1, 20)),
        (6, date(2023, 4, 20)),
        (12, date(2023, 10, 20)),
    ]


def test_the_months_come_from_the_setting(world, settings):
    settings.FOLLOW_UP_MONTHS = "2, 24"
    opened = follow_up_rounds_open(today=date(2023, 1, 1))
    assert {r.months for r in opened} == {2}


def test_projects_before_the_seminar_or_without_later_milestones_are_not_followed(world):
    other = world["other_project"]
    other.state = State.IMPLEMENTATION
    other.save()
    project = world["project"]
    project.milestones.exclude(term=Milestone.Term.SHORT).delete()
    assert follow_up_rounds_open(today=date(2024, 1, 1)) == []


def answer_data(round_, project, **overrides):
    data = {}
    for milestone in project.milestones.exclude(term=Milestone.Term.SHORT):
        prefix = f"m{milestone.pk}"
        data[f"{prefix}-status"] = FollowUpAnswer.Status.ONGOING
        data[f"{prefix}-note"] = "Berjalan di dua puskesmas."
        data[f"{prefix}-link"] = ""
    data.update(overrides)
    return data


def medium(project):
    return project.milestones.get(term=Milestone.Term.MEDIUM)


def long_term(project):
    return project.milestones.get(term=Milestone.Term.LONG)


def test_the_participant_answers_with_evidence_and_the_mentor_confirms(world, client):
    follow_up_rounds_open(today=date(2023, 2, 1))
    project = world["project"]
    round_ = project.follow_up_rounds.get(months=3)
    client.force_login(world["owner"])
    page = client.get(reverse("projects:follow_up_mine"))
    assert page.status_code == 200
    assert reverse("projects:follow_up_round", args=[round_.pk]) in page.content.decode()

    url = reverse("projects:follow_up_round", args=[round_.pk])
    med, lng = medium(project), long_term(project)
    data = answer_data(
        round_,
        project,
        **{
            f"m{med.pk}-status": FollowUpAnswer.Status.DONE,
            f"m{med.pk}-file": SimpleUploadedFile("foto-kegiatan.pdf", PDF),
            f"m{lng.pk}-link": "https://dinkes.example.go.id/berita/kelas-ibu-hamil",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    round_.refresh_from_db()
    assert round_.answered_at is not None and round_.answered_by == world["owner"]
    answers = {a.milestone_id: a for a in round_.answers.all()}
    assert answers[med.pk].status == FollowUpAnswer.Status.DONE
    assert answers[med.pk].extension == "pdf" and answers[med.pk].original_name == (
        "foto-kegiatan.pdf"
    )
    assert answers[lng.pk].link.startswith("https://dinkes.example.go.id/")
    # The mentor is told the round waits for them.
    assert Notification.objects.filter(key=f"follow_up_answered:{round_.pk}").count() == 1

    client.force_login(world["mentor"])
    evidence = client.get(reverse("projects:follow_up_evidence", args=[answers[med.pk].pk]))
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content).startswith(b"%PDF")
    page = client.get(url)
    assert "Konfirmasi tindak lanjut" in page.content.decode()
    confirm = reverse("projects:follow_up_confirm", args=[round_.pk])
    assert client.post(confirm, {"note": "Sudah saya lihat di lapangan."}).status_code == 302
    round_.refresh_from_db()
    assert round_.confirmed_by == world["mentor"]
    assert round_.mentor_note == "Sudah saya lihat di lapangan."

    # Confirmed: the participant's answers are kept as they are.
    client.force_login(world["owner"])
    response = client.post(url, answer_data(round_, project))
    assert response.status_code == 400
    assert "sudah dikonfirmasi" in response.content.decode()
    assert round_.answers.get(milestone=med).status == FollowUpAnswer.Status.DONE


def test_bad_evidence_is_refused_in_indonesian_with_the_input_kept(world, client):
    follow_up_rounds_open(today=date(2023, 2, 1))
    project = world["project"]
    round_ = project.follow_up_rounds.get(months=3)
    client.force_login(world["owner"])
    med, lng = medium(project), long_term(project)
    response = client.post(
        reverse("projects:follow_up_round", args=[round_.pk]),
        answer_data(
            round_,
            project,
            **{
                f"m{med.pk}-file": SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00program"),
                f"m{med.pk}-note": "Catatan yang harus tetap ada",
                f"m{lng.pk}-status": FollowUpAnswer.Status.DONE,  # done without evidence
            },
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Berkas “bukti.pdf” bukan PDF, DOCX, PPTX, JPG, atau PNG" in text
    assert "Status “Selesai” perlu bukti" in text
    assert "periksa tonggak “Perluasan ke dua puskesmas”, “Masuk rencana kerja dinas”" in text
    assert 'value="Catatan yang harus tetap ada"' in text
    round_.refresh_from_db()
    assert round_.answered_at is None and not round_.answers.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_mentor", 403),
        ("other_participant", 403),
        ("coach", 403),  # not this participant's coach
        ("other_staff", 404),  # another agency's project is not found
        ("staff", 200),
        ("mentor", 200),
    ],
)
def test_who_may_open_a_round(world, client, who, status):
    follow_up_rounds_open(today=date(2023, 2, 1))
    round_ = world["project"].follow_up_rounds.get(months=3)
    client.force_login(world[who])
    assert client.get(reverse("projects:follow_up_round", args=[round_.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("other_mentor", 403), ("owner", 403), ("other_staff", 403)]
)
def test_only_the_participants_mentor_confirms(world, client, who, status):
    follow_up_rounds_open(today=date(2023, 2, 1))
    round_ = world["project"].follow_up_rounds.get(months=3)
    FollowUpRound.objects.filter(pk=round_.pk).update(answered_at=timezone.now())
    client.force_login(world[who])
    response = client.post(reverse("projects:follow_up_confirm", args=[round_.pk]))
    assert response.status_code == status
    round_.refresh_from_db()
    assert round_.confirmed_at is None


def test_nobody_else_answers_for_the_participant(world, client):
    follow_up_rounds_open(today=date(2023, 2, 1))
    project = world["project"]
    round_ = project.follow_up_rounds.get(months=3)
    for who in ("mentor", "staff"):
        client.force_login(world[who])
        url = reverse("projects:follow_up_round", args=[round_.pk])
        assert client.post(url, answer_data(round_, project)).status_code == 403
    client.force_login(world["other_staff"])
    url = reverse("projects:follow_up_round", args=[round_.pk])
    assert client.post(url, answer_data(round_, project)).status_code == 404
    assert not round_.answers.exists()


def test_the_mentor_list_shows_their_participants_only(world, client):
    follow_up_rounds_open(today=date(2023, 2, 1))
    client.force_login(world["mentor"])
    page = client.get(reverse("projects:follow_up_queue")).content.decode()
    assert world["project"].enrolment.participant.name in page
    assert world["other_project"].enrolment.participant.name not in page


def dashboard_rows(response):
    return {
        row["project__enrolment__cohort"]: row for row in response.context["cohorts"].object_list
    }


def test_the_dashboard_counts_per_cohort_and_theme(world, client):
    follow_up_rounds_open(today=date(2023, 5, 1))  # 3 and 6 months, two projects: 4 rounds
    project = world["project"]
    three = project.follow_up_rounds.get(months=3)
    FollowUpAnswer.objects.create(
        round=three, milestone=medium(project), status=FollowUpAnswer.Status.DONE
    )
    FollowUpAnswer.objects.create(
        round=three, milestone=long_term(project), status=FollowUpAnswer.Status.STOPPED
    )
    now = timezone.now()
    FollowUpRound.objects.filter(pk=three.pk).update(answered_at=now, confirmed_at=now)
    client.force_login(world["staff"])
    response = client.get(reverse("projects:follow_up_dashboard"))
    row = dashboard_rows(response)[world["cohort"].pk]
    assert (row["due"], row["answered"], row["confirmed"]) == (4, 1, 1)
    assert (row["status_selesai"], row["status_terhenti"], row["status_berjalan"]) == (1, 1, 0)
    themes = {r["project__theme__name"]: r for r in response.context["themes"].object_list}
    assert (themes["Stunting"]["due"], themes["Stunting"]["answered"]) == (2, 1)
    assert (themes["Gizi buruk"]["due"], themes["Gizi buruk"]["answered"]) == (2, 0)

    # Another agency's staff see nothing of it; a participant may not open the page.
    client.force_login(world["other_staff"])
    assert dashboard_rows(client.get(reverse("projects:follow_up_dashboard"))) == {}
    client.force_login(world["owner"])
    assert client.get(reverse("projects:follow_up_dashboard")).status_code == 403


# The dashboard: the session and the user (2), the user's and their groups' permissions (2),
# their groups for the menu (1), then per table (cohorts, themes) the COUNT and the page's rows
# (4). No query per row: the same number with one cohort as with three.
DASHBOARD_QUERIES = 9


def test_the_dashboard_costs_the_same_with_more_cohorts(world, client, django_assert_num_queries):
    follow_up_rounds_open(today=date(2024, 1, 1))
    client.force_login(world["staff"])
    url = reverse("projects:follow_up_dashboard")
    client.get(url)  # the first page of a session also reads and keeps the two-factor state
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(url).status_code == 200
    for n in range(2):
        cohort = CohortFactory(start_date=date(2022, 7, 8))
        followed_project(cohort, world["mentor"].mentor, theme=f"Tema {n}")
    follow_up_rounds_open(today=date(2024, 1, 1))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)
    assert len(dashboard_rows(response)) == 3
