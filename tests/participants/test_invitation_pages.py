"""The invitations page at any cohort size: the WhatsApp links still to send, the
participants and the mentors, each about 50 a page; who is waiting is counted in SQL."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from participants.models import Enrolment

from ..factories import CohortFactory, staff_user
from .crowd import crowd, mentor_crowd

pytestmark = pytest.mark.django_db

# session, user, permissions (2), role names; the cohort with its program; every list's
# length and who waits, counted in one aggregate; the rows of each of the four lists
# (participants' links, mentors' links, participants, mentors), the mentors' list also their
# mentees in the cohort. No set-password token is made: the links are short addresses of ours.
INVITATION_QUERIES = 12


@pytest.fixture
def invitations(client):
    def build(size):
        cohort = CohortFactory()
        enrolments = crowd(cohort, size, accounts=True, phone="0812 3456 7890")
        mentors = mentor_crowd(size // 2)
        for enrolment, mentor in zip(enrolments, mentors + mentors, strict=True):
            enrolment.mentor = mentor
        Enrolment.objects.bulk_update(enrolments, ["mentor"])
        client.force_login(staff_user())
        return (
            cohort,
            enrolments,
            mentors,
            reverse("participants:cohort_invitations", args=[cohort.pk]),
        )

    return build


@pytest.mark.parametrize("size", [40, 400])
def test_the_page_costs_the_same_at_40_and_400(
    client, invitations, django_assert_num_queries, size
):
    cohort, enrolments, mentors, url = invitations(size)
    # The same number at both sizes: no query per person.
    with django_assert_num_queries(INVITATION_QUERIES):
        page = client.get(url)
    html = page.content.decode()
    assert f"{size + size // 2} orang belum aktif." in html
    assert html.count('class="list-group-item mentor-account"') == min(size // 2, 50)
    assert len(page.context["participants"]) == min(size, 50)
    if size == 400:
        assert len(page.content) < 200_000
        # Two lists of links (25 each), two of people (50 each), each a short address of
        # ours: the message and its token are made when one is clicked.
        assert html.count('/wa/"') == 2 * 25 + 2 * 50
        assert "https://wa.me/" not in html


def test_search_filter_and_the_second_pages(client, invitations):
    cohort, enrolments, mentors, url = invitations(120)
    user = enrolments[3].participant.user
    user.password = make_password("Latsar-Banten-2022")
    user.save()
    page = client.get(url, {"page": 2, "mentor": 2})
    assert [p.name for p in page.context["participants"]] == [
        f"Peserta Massal {n:04d}" for n in range(50, 100)
    ]
    assert [m.name for m in page.context["mentors"]] == [
        f"Mentor Massal {n:04d}" for n in range(50, 60)
    ]
    # Each mentor with the cohort's participants they mentor.
    assert [p.name for p in page.context["mentors"][0].mentees] == [
        "Peserta Massal 0050",
        "Peserta Massal 0110",
    ]
    active = client.get(url, {"akun": "aktif"}).context["participants"]
    assert [p.name for p in active] == ["Peserta Massal 0003"]
    waiting = client.get(url, {"akun": "belum", "q": "massal 000"}).context["participants"]
    assert [p.name for p in waiting] == [f"Peserta Massal {n:04d}" for n in range(10) if n != 3]
    # The active participant has no link to send any more.
    links = client.get(url).context["waiting_links"]
    assert links.paginator.count == 119
    # Each list's pages keep the others' place and the search.
    html = client.get(url, {"q": "massal", "mentor": 2}).content.decode()
    assert "?q=massal&amp;mentor=2&amp;page=2#participants" in html
    assert "?q=massal&amp;mentor=1#mentors" in html  # the mentors' Sebelumnya
    assert "?q=massal&amp;mentor=2&amp;tautan=2" in html
    assert "Halaman 1 dari 5" in html  # 119 links to send, 25 a page
