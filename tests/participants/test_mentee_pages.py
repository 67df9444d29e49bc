"""A mentor's mentees at any number: about 50 a page, what waits for the mentor first."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ChangeProject, ProjectStep, ScoreSheet, ScoringRole

from ..factories import CohortFactory
from .crowd import crowd, mentor_crowd

pytestmark = pytest.mark.django_db

# session, user, role names (a mentor's page checks no permission); the mentor (is_mentor
# reads user.mentor); the running and finished counts (one aggregate: the tabs' figures and
# the page's count) and its 50 rows (participant, agency, cohort, program,
# project and coach in one join, what waits worked out from this mentor's steps and sheets
# in the same query).
MENTEES_QUERIES = 6

URL = reverse("participants:my_mentees")


@pytest.fixture
def mentor(client):
    mentor = mentor_crowd(1)[0]
    client.force_login(mentor.user)
    return mentor


def projects_of(enrolments):
    return ChangeProject.objects.filter(enrolment__in=enrolments)


@pytest.mark.parametrize("size", [40, 400])
def test_the_list_costs_the_same_at_40_and_400(client, mentor, django_assert_num_queries, size):
    enrolments = crowd(CohortFactory(), size, mentor=mentor)
    projects_of(enrolments[-3:]).update(state="report_submitted")
    # The same number at both sizes: what waits is worked out in SQL, not per mentee.
    with django_assert_num_queries(MENTEES_QUERIES):
        page = client.get(URL)
    html = page.content.decode()
    assert html.count("Menunggu Anda") == 3
    assert html.count("<tr>") == 1 + min(size, 50)  # the header and the page's rows
    if size == 400:
        assert len(page.content) < 200_000
        assert "Halaman 1 dari 8" in html
    # The finished tab costs the same: its rows need no "waits" worked out.
    projects_of(enrolments).update(state="final")
    with django_assert_num_queries(MENTEES_QUERIES):
        done = client.get(URL, {"tampil": "selesai"})
    assert done.content.decode().count("<tr>") == 1 + min(size, 50)


def test_what_waits_for_the_mentor_comes_first(client, mentor):
    older = crowd(CohortFactory(start_date=date(2022, 7, 8)), 60, mentor=mentor)
    newer = crowd(CohortFactory(start_date=date(2023, 7, 7)), 60, start=100, mentor=mentor)
    # Waiting: a report to score (old cohort), a design to approve since its submission.
    projects_of(older[59:60]).update(state="report_submitted")
    design = projects_of(newer[59:60]).get()
    design.state = "design_submitted"
    design.save()
    ProjectStep.objects.create(
        project=design, action="submit_design", from_state="draft", to_state="design_submitted"
    )
    # Not waiting: a design approved by this mentor since it was submitted, a report the
    # mentor has scored, finished projects.
    approved = projects_of(newer[58:59]).get()
    approved.state = "design_submitted"
    approved.save()
    for action in ("submit_design", "approve_design"):
        ProjectStep.objects.create(
            project=approved, action=action, actor=mentor.user, from_state="draft",
            to_state="design_submitted",
        )  # fmt: skip
    scored = projects_of(older[58:59]).get()
    scored.state = "examined"
    scored.save()
    ScoreSheet.objects.create(
        project=scored, role=ScoringRole.MENTOR, scorer=mentor.user, submitted_at=timezone.now()
    )
    projects_of(newer[:5]).update(state="final")

    rows = list(client.get(URL).context["page"])
    assert [e.participant.name for e in rows[:2]] == ["Peserta Massal 0159", "Peserta Massal 0059"]
    assert [e.waiting for e in rows[:3]] == [True, True, False]
    # Then the running projects, newest cohort first; the finished ones under their tab.
    assert rows[2].participant.name == "Peserta Massal 0105"
    page = client.get(URL)
    assert page.context["counts"] == {"running": 115, "finished": 5}
    assert "Peserta Massal 0100" not in {
        e.participant.name
        for number in (1, 2, 3)
        for e in client.get(URL, {"page": number}).context["page"]
    }
    done = client.get(URL, {"tampil": "selesai"})
    assert [e.participant.name for e in done.context["page"]] == [
        f"Peserta Massal {n:04d}" for n in range(100, 105)
    ]
    assert done.context["counts"]["finished"] == 5 and "Menunggu Anda" not in done.content.decode()
    assert '?tampil=selesai"' in page.content.decode()
    later = {
        e.participant.name: e.waiting
        for number in (2, 3)
        for e in client.get(URL, {"page": number}).context["page"]
    }
    assert later["Peserta Massal 0158"] is False  # approved
    assert later["Peserta Massal 0058"] is False  # scored


def test_search_and_the_second_page(client, mentor):
    crowd(CohortFactory(), 70, mentor=mentor)
    crowd(CohortFactory(), 5, start=200)  # mentored by someone else
    page_two = client.get(URL, {"page": 2}).context["page"]
    assert [e.participant.name for e in page_two] == [
        f"Peserta Massal {n:04d}" for n in range(50, 70)
    ]
    found = client.get(URL, {"q": "massal 006"})
    assert found.context["page"].paginator.count == 10
    assert "Peserta Massal 0201" not in client.get(URL, {"q": "0201"}).content.decode()
