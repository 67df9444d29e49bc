"""Mentors who never sign in: staff enter the mentor's design approval and rubric score from
the signed paper form, on the mentor's behalf."""

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from participants.services import enrolment_create, mentor_upsert, participant_account_ensure
from projects.models import ChangeProject, PaperForm, ScoringRole, State
from projects.scoring import project_score_of, rubrics_default, rubrics_of, sheet_save
from projects.seminars import seminar_schedule
from projects.workflow import step_take

from ..factories import (
    PASSWORD,
    CohortFactory,
    ParticipantFactory,
    TrainingAgencyFactory,
    staff_user,
    valid_nip,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MENTOR_NAME = "Drs. H. Kepala Kantor, M.Si."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def scan(name="formulir.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def cast():
    """Two participants of one coach and one mentor who has never had a login; an examiner;
    staff of the cohort's agency."""
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_default(cohort.program)
    coach = widyaiswara_user(username="coach", first_name="Dra. Siti", last_name="Rohmah")
    mentor = mentor_upsert(nip=valid_nip(900), name=MENTOR_NAME)
    enrolments = [
        enrolment_create(cohort=cohort, participant=ParticipantFactory(), coach=coach,
                         mentor=mentor, invite=False)
        for _ in range(2)
    ]  # fmt: skip
    return {
        "cohort": cohort,
        "projects": [e.project for e in enrolments],
        "project": enrolments[0].project,
        "owner": participant_account_ensure(participant=enrolments[0].participant,
                                            password=PASSWORD),
        "coach": coach,
        "mentor": mentor,
        "examiner": widyaiswara_user(username="penguji"),
        "staff": staff_user(first_name="Rina", last_name="Staf Diklat, S.E."),
    }  # fmt: skip


def submitted(project, coach):
    ChangeProject.objects.filter(pk=project.pk).update(state=State.DESIGN_SUBMITTED)
    step_take(project=project, user=coach, action="approve_design")
    project.refresh_from_db()
    return project


def approval_data(**overrides):
    data = {
        "scan": scan(),
        "signed_by": MENTOR_NAME,
        "signed_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "action": "approve_design",
        "comment": "Setuju, lanjutkan.",
    }
    return {**data, **overrides}


def test_staff_record_the_mentors_approval_from_the_signed_form(client, cast):
    project = submitted(cast["project"], cast["coach"])
    assert project.state == State.DESIGN_SUBMITTED  # waiting for the mentor
    client.force_login(cast["staff"])
    page = client.get(project.get_absolute_url()).content.decode()
    url = reverse("projects:paper_approval", args=[project.pk])
    assert url in page  # *Catat persetujuan mentor dari formulir*

    response = client.post(url, approval_data(), follow=True)
    html = response.content.decode()
    assert f"Persetujuan {MENTOR_NAME} tercatat dari formulir bertanda tangan." in html
    project.refresh_from_db()
    assert project.state == State.IMPLEMENTATION  # the coach's and the mentor's approvals
    assert f"dimasukkan oleh Rina Staf Diklat, S.E. atas nama {MENTOR_NAME}" in html
    paper = PaperForm.objects.get(project=project)
    assert f"formulir ditandatangani {MENTOR_NAME}" in html
    assert reverse("projects:paper_scan", args=[paper.pk]) in html
    step = project.steps.get(action="approve_design", entered_by=cast["staff"])
    assert step.actor.mentor == cast["mentor"] and step.actor_role == "mentor"
    # The mentor's login was made for the step, with the mentor's name and no password.
    assert step.actor.get_full_name() == MENTOR_NAME and not step.actor.has_usable_password()

    download = client.get(reverse("projects:paper_scan", args=[paper.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # Nothing left to approve: the link is gone.
    assert url not in client.get(project.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"scan": scan("formulir.docx", docx())}, "bukan PDF, JPG, atau PNG"),
        ({"scan": scan("formulir.pdf", b"bukan pdf")}, "bukan PDF, DOCX, PPTX, JPG, atau PNG"),
        (
            {"signed_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "Tanggal tanda tangan tidak boleh setelah hari ini.",
        ),
    ],
)
def test_a_wrong_scan_or_date_records_nothing_and_keeps_what_was_typed(
    client, cast, overrides, message
):
    project = submitted(cast["project"], cast["coach"])
    client.force_login(cast["staff"])
    response = client.post(
        reverse("projects:paper_approval", args=[project.pk]),
        approval_data(signed_by="Kepala Kantor (diketik)", **overrides),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Kepala Kantor (diketik)"' in html
    assert "Setuju, lanjutkan." in html
    project.refresh_from_db()
    assert project.state == State.DESIGN_SUBMITTED
    assert not PaperForm.objects.exists()


def scored_by_all(cast, project, *, mentor_on_paper, client):
    """The coach and the examiner score the project; the mentor's 80 and 90 come from the
    mentor's own login, or from the signed form entered by staff."""
    ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    seminar_schedule(
        cohort=cast["cohort"], starts_at=timezone.now(), room="Aula",
        examiners=[cast["examiner"]], enrolments=[project.enrolment], actor=cast["staff"],
    )  # fmt: skip
    rubrics = rubrics_of(cast["cohort"].program)
    for role, user in [
        (ScoringRole.COACH, cast["coach"]),
        (ScoringRole.EXAMINER, cast["examiner"]),
    ]:
        sheet_save(
            project=project, role=role, scorer=user, version=0,
            values={c.pk: (Decimal(75), "") for c in rubrics[role].criteria_list},
        )  # fmt: skip
    first, second = rubrics[ScoringRole.MENTOR].criteria_list
    if mentor_on_paper:
        client.force_login(cast["staff"])
        response = client.post(
            reverse("projects:paper_sheet", args=[project.pk]),
            {
                "scan": scan("nilai.png", PNG), "signed_by": MENTOR_NAME,
                "signed_on": timezone.localdate().isoformat(), "version": 0,
                f"score_{first.pk}": "80", f"score_{second.pk}": "90",
                f"comment_{first.pk}": "Bermanfaat bagi kantor",
            },
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()
    else:
        cast["mentor"].refresh_from_db()
        sheet_save(
            project=project, role=ScoringRole.MENTOR, scorer=cast["mentor"].user, version=0,
            values={first.pk: (Decimal(80), ""), second.pk: (Decimal(90), "")},
        )  # fmt: skip
    project.refresh_from_db()
    return project


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_the_mentor_score_from_the_paper_form_counts_like_the_mentors_own(client, cast):
    on_paper = scored_by_all(cast, cast["projects"][0], mentor_on_paper=True, client=client)
    own = scored_by_all(cast, cast["projects"][1], mentor_on_paper=False, client=client)
    assert on_paper.final_score is not None
    assert on_paper.final_score == own.final_score
    assert project_score_of(on_paper).roles[ScoringRole.MENTOR] == Decimal("85.00")

    page = client.get(on_paper.get_absolute_url()).content.decode()
    assert f"dimasukkan oleh Rina Staf Diklat, S.E. atas nama {MENTOR_NAME}" in page
    assert page.count("entered-on-behalf") == 1 + 2  # the sheet, and each criterion's history
    # The mentor's own sheet on the other project says nothing of the kind.
    assert "entered-on-behalf" not in client.get(own.get_absolute_url()).content.decode()
    history = client.get(reverse("projects:grades_history", args=[cast["cohort"].pk]))
    assert history.content.decode().count("entered-on-behalf") == 2  # the two criteria

    # The mentor signs in later and changes the score: the sheet is theirs again, no paper.
    sheet = on_paper.sheets.get(role=ScoringRole.MENTOR)
    assert sheet.paper.signed_by == MENTOR_NAME
    first, second = rubrics_of(cast["cohort"].program)[ScoringRole.MENTOR].criteria_list
    sheet_save(
        project=on_paper, role=ScoringRole.MENTOR, scorer=sheet.scorer, version=sheet.version,
        values={first.pk: (Decimal(70), ""), second.pk: (Decimal(90), "")}, reason="Dikoreksi",
    )  # fmt: skip
    sheet.refresh_from_db()
    assert sheet.paper is None and sheet.score == Decimal("80.00")


def test_only_staff_of_the_cohorts_agency_enter_paper_forms(client, cast):
    project = submitted(cast["project"], cast["coach"])
    client.force_login(cast["staff"])
    client.post(reverse("projects:paper_approval", args=[project.pk]), approval_data())
    paper = PaperForm.objects.get()
    pages = [
        reverse("projects:paper_approval", args=[project.pk]),
        reverse("projects:paper_sheet", args=[project.pk]),
        reverse("projects:paper_scan", args=[paper.pk]),
    ]
    other_agency = staff_user(institutions=[TrainingAgencyFactory(code="bpsdm-lain")])
    for user, statuses in [
        (other_agency, [404, 404, 404]),
        (cast["owner"], [403, 403, 200]),  # the participant sees the scan, as their documents
        (cast["coach"], [403, 403, 200]),
        (widyaiswara_user(username="lain"), [403, 403, 403]),
    ]:
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == statuses, user
        response = client.post(pages[0], approval_data())
        assert response.status_code == statuses[0]
    assert PaperForm.objects.count() == 1


def test_a_scan_goes_only_with_its_project(client, cast):
    from django.db.models import RestrictedError

    project = submitted(cast["project"], cast["coach"])
    client.force_login(cast["staff"])
    client.post(reverse("projects:paper_approval", args=[project.pk]), approval_data())
    with pytest.raises(RestrictedError):
        PaperForm.objects.get().delete()  # the step's evidence
    ChangeProject.objects.filter(pk=project.pk).delete()
    assert not PaperForm.objects.exists()
