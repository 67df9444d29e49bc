"""Each role reaches only its own pages; tested URL by URL."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cohorts.certificates import certificates_issue
from cohorts.models import Certificate, CertificateBatch
from config import roles
from participants.services import participant_account_ensure
from projects.services import score_record

from .factories import PASSWORD, CohortFactory, UserFactory, enrol, staff_user, widyaiswara_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cohort = CohortFactory()
    coach = widyaiswara_user(username="coach")
    mine, other = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    for enrolment in (mine, other):
        score_record(project=enrolment.project, grader=coach, score=Decimal("85"))
    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    participant_user = participant_account_ensure(participant=mine.participant, password=PASSWORD)
    return {
        "cohort": cohort,
        "batch": batch,
        "coach": coach,
        "mine": mine,
        "other": other,
        "participant_user": participant_user,
    }


def staff_urls(world):
    cohort, batch = world["cohort"], world["batch"]
    return [
        ("get", reverse("cohorts:cohort_list")),
        ("get", reverse("cohorts:cohort_create")),
        ("get", reverse("cohorts:cohort_detail", args=[cohort.pk])),
        ("get", reverse("participants:enrol", args=[cohort.pk])),
        ("post", reverse("cohorts:certificates_issue", args=[cohort.pk])),
        ("get", reverse("cohorts:batch_detail", args=[batch.pk])),
        ("get", reverse("cohorts:batch_status", args=[batch.pk])),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_staff_page(client, world):
    for method, url in staff_urls(world) + [("get", reverse("cohorts:documents"))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert CertificateBatch.objects.count() == 1


@pytest.mark.parametrize("who", ["participant", "widyaiswara"])
def test_participants_and_widyaiswara_are_refused_every_staff_page(client, world, who):
    user = world["participant_user"] if who == "participant" else world["coach"]
    client.force_login(user)
    for method, url in staff_urls(world) + [("get", reverse("cohorts:documents"))]:
        assert getattr(client, method)(url).status_code == 403, url
    assert CertificateBatch.objects.count() == 1


def test_staff_reach_every_staff_page_but_not_the_documents_of_administrators(client, world):
    client.force_login(staff_user())
    for method, url in staff_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), url
    assert client.get(reverse("cohorts:documents")).status_code == 403


def test_administrators_see_the_documents_page(client, world):
    client.force_login(UserFactory(role=roles.ADMINISTRATOR))
    response = client.get(reverse("cohorts:documents"))
    assert response.status_code == 200
    assert str(world["cohort"]) in response.content.decode()


def test_a_widyaiswara_scores_only_the_participants_they_coach(client, world):
    stranger = widyaiswara_user(username="stranger")
    client.force_login(stranger)
    url = reverse("projects:score", args=[world["mine"].project.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"final_score": "10"}).status_code == 403
    world["mine"].project.refresh_from_db()
    assert world["mine"].project.final_score == Decimal("85")

    client.force_login(world["coach"])
    assert client.post(url, {"final_score": "88,25", "title": "Layanan"}).status_code == 302
    world["mine"].project.refresh_from_db()
    assert world["mine"].project.final_score == Decimal("88.25")


def test_a_participant_downloads_their_own_certificate_and_no_one_elses(client, world):
    client.force_login(world["participant_user"])
    own = Certificate.objects.get(enrolment=world["mine"])
    other = Certificate.objects.get(enrolment=world["other"])
    response = client.get(reverse("cohorts:certificate_download", args=[own.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client.get(reverse("cohorts:certificate_download", args=[other.pk])).status_code == 403

    page = client.get(reverse("participants:my_training")).content.decode()
    assert world["mine"].participant.name in page
    assert world["other"].participant.name not in page


def test_staff_cannot_open_the_participant_home(client, world):
    client.force_login(staff_user())
    assert client.get(reverse("participants:my_training")).status_code == 403


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (roles.STAFF, "cohorts:cohort_list"),
        (roles.ADMINISTRATOR, "cohorts:documents"),
        (roles.WIDYAISWARA, "projects:my_projects"),
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
