"""Each role reaches only its own pages; tested URL by URL."""

from decimal import Decimal

import pytest
from django.urls import reverse

from config import roles
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch
from participants.services import participant_account_ensure

from .factories import (
    PASSWORD,
    CohortFactory,
    UserFactory,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cohort = CohortFactory()
    coach = widyaiswara_user(username="coach")
    mine, other = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    for enrolment in (mine, other):
        project_scored(enrolment, Decimal("85"))
    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    unscored = enrol(cohort, coach=coach)
    participant_user = participant_account_ensure(participant=mine.participant, password=PASSWORD)
    return {
        "cohort": cohort,
        "batch": batch,
        "coach": coach,
        "mine": mine,
        "other": other,
        "unscored": unscored,
        "participant_user": participant_user,
    }


def staff_urls(world):
    """Every staff URL with the status staff get: 200, or 302 after a POST that acts."""
    cohort, batch = world["cohort"], world["batch"]
    phase = cohort.phases.get(kind="classical")
    code = cohort.program.code
    return [
        ("get", reverse("cohorts:cohort_list"), 200),
        ("get", reverse("cohorts:cohort_create"), 200),
        ("get", reverse("cohort_detail", args=[cohort.pk]), 200),
        ("get", reverse("participants:enrol", args=[cohort.pk]), 200),
        ("post", reverse("documents:certificates_issue", args=[cohort.pk]), 302),
        ("get", reverse("documents:batch_detail", args=[batch.pk]), 200),
        ("get", reverse("documents:batch_status", args=[batch.pk]), 200),
        ("get", reverse("cohorts:phase_edit", args=[cohort.pk, phase.pk]), 200),
        ("get", reverse("cohorts:phase_detail", args=[cohort.pk, phase.pk]), 200),
        ("get", reverse("cohorts:session_add", args=[cohort.pk, phase.pk, phase.start_date]), 200),
        (
            "get",
            reverse("participants:attendance", args=[cohort.pk, phase.pk, phase.start_date]),
            200,
        ),
        ("get", reverse("cohorts:institution_days", args=[cohort.organiser_id]), 200),
        # The head's dashboard: the menu's link leads on to the agency's page.
        ("get", reverse("documents:dashboard_choose"), 302),
        ("get", reverse("documents:dashboard", args=[cohort.organiser_id]), 200),
        ("get", reverse("documents:dashboard_pdf", args=[cohort.organiser_id]), 200),
        ("get", reverse("cohorts:speaker_list"), 200),
        ("get", reverse("cohorts:speaker_create"), 200),
        ("get", reverse("documents:ledger_people"), 200),
        ("get", reverse("curriculum:program_list"), 200),
        ("get", reverse("curriculum:program_detail", args=[cohort.program.code]), 200),
        ("get", reverse("curriculum:program_edit", args=[cohort.program.code]), 200),
        ("get", reverse("curriculum:program_create"), 200),
        ("get", reverse("curriculum:version_new", args=[cohort.program.code]), 200),
        ("get", reverse("curriculum:evaluation_setup", args=[code]), 200),
        # A published version sends staff back to the program page with a message.
        ("get", reverse("curriculum:version_edit", args=[code, 1]), 302),
        ("get", reverse("curriculum:subjects_edit", args=[code, 1, 4]), 302),
        ("post", reverse("curriculum:version_publish", args=[code, 1]), 302),
        ("post", reverse("curriculum:version_unpublish", args=[code, 1]), 302),
        ("post", reverse("cohorts:session_delete", args=[cohort.pk, phase.pk, 999]), 302),
        ("post", reverse("cohorts:institution_day_delete", args=[cohort.organiser_id, 999]), 302),
        ("post", reverse("cohorts:cohort_feed_reset", args=[cohort.pk]), 302),
        ("get", reverse("participants:import_upload", args=[cohort.pk]), 200),
        ("get", reverse("participants:import_template", args=["xlsx"]), 200),
        ("get", reverse("participants:import_template", args=["csv"]), 200),
        ("get", reverse("participants:roster_export", args=[cohort.pk, "xlsx"]), 200),
        ("get", reverse("participants:groups", args=[cohort.pk]), 200),
        ("get", reverse("participants:attendance_recap", args=[cohort.pk]), 200),
        ("get", reverse("participants:attendance_recap_export", args=[cohort.pk]), 200),
        ("get", reverse("participants:evaluation_results", args=[cohort.pk]), 200),
        ("get", reverse("documents:evaluation_report_xlsx", args=[cohort.pk]), 200),
        ("get", reverse("documents:evaluation_report_pdf", args=[cohort.pk]), 200),
        ("get", reverse("documents:lan_report_xlsx", args=[cohort.pk]), 200),
        ("get", reverse("documents:lan_report_pdf", args=[cohort.pk]), 200),
        (
            "get",
            reverse("documents:sign_in_sheet", args=[cohort.pk, phase.pk, phase.start_date]),
            200,
        ),
        ("get", reverse("projects:gradebook", args=[cohort.pk]), 200),
        ("get", reverse("projects:lms_upload", args=[cohort.pk]), 200),
        (
            "get",
            reverse("participants:participant_detail", args=[world["other"].participant.pk]),
            200,
        ),
        (
            "post",
            reverse("participants:invitation_resend", args=[world["other"].participant.pk]),
            302,
        ),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_staff_page(client, world):
    for method, url, _status in staff_urls(world) + [("get", reverse("documents:documents"), 0)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert CertificateBatch.objects.count() == 1


@pytest.mark.parametrize("who", ["participant", "widyaiswara"])
def test_participants_and_widyaiswara_are_refused_every_staff_page(client, world, who):
    user = world["participant_user"] if who == "participant" else world["coach"]
    client.force_login(user)
    for method, url, _status in staff_urls(world) + [("get", reverse("documents:documents"), 0)]:
        assert getattr(client, method)(url).status_code == 403, url
    assert CertificateBatch.objects.count() == 1


def test_staff_reach_every_staff_page_but_not_the_documents_of_administrators(client, world):
    client.force_login(staff_user())
    for method, url, status in staff_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == status, url
    assert client.get(reverse("documents:documents")).status_code == 403


def test_administrators_see_the_documents_page(client, world):
    client.force_login(UserFactory(role=roles.ADMINISTRATOR))
    response = client.get(reverse("documents:documents"))
    assert response.status_code == 200
    assert str(world["cohort"]) in response.content.decode()


def _sheet_post(criteria, score, version=0, reason=""):
    data = {"version": str(version), "reason": reason}
    for criterion in criteria:
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = ""
    return data


def test_a_widyaiswara_scores_only_the_participants_they_coach(client, world):
    from projects.models import ChangeProject, ScoringRole, State
    from projects.scoring import rubrics_of

    project = world["unscored"].project
    ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    criteria = rubrics_of(world["cohort"].program)[ScoringRole.COACH].criteria_list
    url = reverse("projects:sheet", args=[project.pk, ScoringRole.COACH])
    stranger = widyaiswara_user(username="stranger")
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    assert client.post(url, _sheet_post(criteria, "10")).status_code == 403
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 403
    project.refresh_from_db()
    assert project.final_score is None

    client.force_login(world["coach"])
    assert client.post(url, _sheet_post(criteria, "88,25")).status_code == 302
    project.refresh_from_db()
    assert project.final_score == Decimal("88.25")


def test_a_certified_score_cannot_be_changed(client, world):
    from projects.models import ScoreSheet, ScoringRole
    from projects.scoring import rubrics_of

    client.force_login(world["coach"])
    project = world["mine"].project
    criteria = rubrics_of(world["cohort"].program)[ScoringRole.COACH].criteria_list
    sheet = ScoreSheet.objects.get(project=project, role=ScoringRole.COACH)
    url = reverse("projects:sheet", args=[project.pk, ScoringRole.COACH])
    response = client.post(url, _sheet_post(criteria, "10", sheet.version, "Koreksi"))
    assert response.status_code == 200
    number = Certificate.objects.get(enrolment=world["mine"]).number
    assert f"sertifikat peserta ini sudah terbit ({number})" in response.content.decode()
    project.refresh_from_db()
    assert project.final_score == Decimal("85")


def test_a_participant_downloads_their_own_certificate_and_no_one_elses(client, world):
    client.force_login(world["participant_user"])
    own = Certificate.objects.get(enrolment=world["mine"])
    other = Certificate.objects.get(enrolment=world["other"])
    response = client.get(reverse("documents:certificate_download", args=[own.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client.get(reverse("documents:certificate_download", args=[other.pk])).status_code == 403

    page = client.get(reverse("projects:my_training")).content.decode()
    assert world["mine"].participant.name in page
    assert world["other"].participant.name not in page


def test_staff_cannot_open_the_participant_home(client, world):
    client.force_login(staff_user())
    assert client.get(reverse("projects:my_training")).status_code == 403


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (roles.STAFF, "cohorts:cohort_list"),
        (roles.ADMINISTRATOR, "documents:documents"),
        (roles.WIDYAISWARA, "projects:queue"),
    ],
)
def test_each_role_lands_on_its_own_home_after_login(client, role, landing):
    user = UserFactory(role=role)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse(landing)


def test_a_participant_lands_on_their_schedule_after_login(client, world):
    response = client.post(
        reverse("login"),
        {"username": world["participant_user"].username, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("participants:my_schedule")


def test_a_user_without_a_role_is_told_so(client):
    client.force_login(UserFactory())
    response = client.get("/", follow=True)
    assert response.status_code == 403
    assert "belum memiliki peran" in response.content.decode()


def test_the_cohort_schedule_is_for_staff_and_the_cohorts_widyaiswara(client, world):
    url = reverse("cohorts:cohort_schedule", args=[world["cohort"].pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    for user, status in [
        (staff_user(), 200),
        (world["coach"], 200),
        (widyaiswara_user(username="elsewhere"), 403),
        (world["participant_user"], 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
