"""The groups board at any cohort size: one page of members with a tick box each and one
picker that moves the ticked ones, searched and filtered in SQL, group sizes counted in SQL."""

import pytest
from django.urls import reverse

from participants.models import Enrolment, StudyGroup

from ..factories import CohortFactory, staff_user
from .crowd import crowd

pytestmark = pytest.mark.django_db

# session, user, the user's and the groups' permissions (2), role names; the cohort with its
# program; the groups (for the summary and the move picker); every group's size, the
# ungrouped and the total in one GROUP BY (the total is also the list's count, nothing being
# searched); the page's 50 members (participant, agency, project, theme and group in one
# join); the coaches for the create form's select.
BOARD_QUERIES = 10


@pytest.fixture
def board(client):
    def build(size):
        cohort = CohortFactory()
        groups = [StudyGroup.objects.create(cohort=cohort, name=f"Kelompok {n}") for n in (1, 2)]
        enrolments = crowd(cohort, size)
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[: size // 2]]).update(
            group=groups[0]
        )
        client.force_login(staff_user())
        return cohort, groups, enrolments, reverse("participants:groups", args=[cohort.pk])

    return build


@pytest.mark.parametrize("size", [40, 400])
def test_the_board_costs_the_same_at_40_and_400(client, board, django_assert_num_queries, size):
    cohort, groups, _enrolments, url = board(size)
    # The same number at both sizes: no query per member or per group.
    with django_assert_num_queries(BOARD_QUERIES):
        page = client.get(url)
    html = page.content.decode()
    assert page.context["summary"]["groups"][0].size == size // 2
    assert page.context["summary"]["ungrouped"] == size - size // 2
    assert html.count('name="members"') == min(size, 50)
    # One picker for the page, not a select per member.
    assert html.count('name="target"') == 1
    if size == 400:
        assert len(page.content) < 200_000
        assert "Halaman 1 dari 8" in html
        assert 'aria-label="Halaman peserta"' in html


def names(page):
    return [e.participant.name for e in page.context["page"]]


def test_search_filter_and_the_second_page_come_from_sql(client, board):
    cohort, (first, _second), enrolments, url = board(120)
    page_two = client.get(url, {"page": 2})
    assert names(page_two) == [f"Peserta Massal {n:04d}" for n in range(50, 100)]
    # The group filter: the first 60 are in Kelompok 1, the rest in none.
    grouped = client.get(url, {"group": first.pk, "page": 2})
    assert names(grouped) == [f"Peserta Massal {n:04d}" for n in range(50, 60)]
    ungrouped = client.get(url, {"group": "none"})
    assert ungrouped.context["page"].paginator.count == 60
    assert names(ungrouped)[0] == "Peserta Massal 0060"
    # A name, or any run of the NIP's digits with its spaces.
    assert names(client.get(url, {"q": "massal 0117"})) == ["Peserta Massal 0117"]
    nip = enrolments[7].participant.nip
    assert "Peserta Massal 0007" in names(client.get(url, {"q": f"{nip[:8]} {nip[8:14]}"}))
    # The links to the other pages keep the search and the filter.
    html = client.get(url, {"group": "none"}).content.decode()
    assert "?group=none&amp;page=2#members" in html


def test_the_ticked_members_move_with_the_one_picker(client, board):
    cohort, (first, second), enrolments, url = board(120)
    ticked = [e.pk for e in enrolments[55:58]]  # on page 2 of everyone
    response = client.post(
        f"{url}?page=2", {"move": "1", "members": ticked, "target": str(second.pk)}
    )
    # Back to the page the move was made on.
    assert response.status_code == 302 and response["Location"] == f"{url}?page=2"
    assert set(Enrolment.objects.filter(group=second).values_list("pk", flat=True)) == set(ticked)
    page = client.get(response["Location"])
    assert "3 peserta dipindahkan." in page.content.decode()
    assert page.context["summary"]["groups"][1].size == 3
    # Out of their group: the picker's last choice.
    client.post(url, {"move": "1", "members": ticked[:1], "target": "none"})
    assert Enrolment.objects.get(pk=ticked[0]).group is None
    # Enrolments of another cohort are not moved, whatever the form says.
    other = crowd(CohortFactory(), 1, start=900)[0]
    client.post(url, {"move": "1", "members": [other.pk], "target": str(second.pk)})
    assert Enrolment.objects.get(pk=other.pk).group is None


def test_a_refused_move_keeps_what_was_chosen(client, board):
    cohort, (first, second), enrolments, url = board(60)
    # A group chosen, nobody ticked.
    refused = client.post(url, {"move": "1", "target": str(second.pk)})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Pilih dulu peserta yang dipindahkan." in html
    assert f'<option value="{second.pk}" selected>' in html
    # Members ticked, no group chosen: they stay ticked.
    ticked = [enrolments[1].pk, enrolments[2].pk]
    refused = client.post(url, {"move": "1", "members": ticked})
    html = refused.content.decode()
    assert "Pilih kelompok tujuan." in html
    for pk in ticked:
        assert f'value="{pk}" id="member-{pk}" checked' in html
    assert html.count(" checked") == 2
    assert not Enrolment.objects.filter(group=second).exists()


def test_the_board_works_without_javascript_on_a_phone(client, board):
    """Plain forms: a GET search, checkboxes and one select in a POST; no script needed."""
    cohort, groups, _enrolments, url = board(3)
    html = client.get(url).content.decode()
    assert 'id="member-filters"' in html and 'method="get"' in html
    assert html.count('type="checkbox" name="members"') == 3
    assert '<label class="small fw-semibold" for="move-target">' in html


def test_many_groups_one_picker_a_short_summary_and_a_typed_group_filter(client, board):
    """200 groups must not weigh on the page: the summary lists the first twelve (all on
    request), the only select listing the groups is the move picker, and the group filter is
    typed text matched in SQL."""
    cohort, (first, second), enrolments, url = board(60)
    extra = [StudyGroup.objects.create(cohort=cohort, name=f"Kelompok {n}") for n in range(3, 15)]
    Enrolment.objects.filter(pk=enrolments[59].pk).update(group=extra[-1])  # Kelompok 14
    Enrolment.objects.filter(pk=enrolments[58].pk).update(group=extra[8])  # Kelompok 11
    page = client.get(url)
    html = page.content.decode()
    assert html.count('class="group-row"') == 12
    assert "Lihat semua 14 kelompok" in html
    # One select lists the groups: the move picker.
    assert html.count(f'<option value="{extra[-1].pk}"') == 1
    assert html.count('name="group"') == 1 and 'type="hidden" name="group"' in html
    every = client.get(url, {"kelompok_semua": "1"}).content.decode()
    assert every.count('class="group-row"') == 14 and "Lihat semua" not in every
    # A group's number finds that group only ("1" not "11" or "14"); a name finds any part.
    by_number = client.get(url, {"kelompok": "1"})
    assert by_number.context["page"].paginator.count == 30
    by_number = client.get(url, {"kelompok": "11"})
    assert names(by_number) == ["Peserta Massal 0058"]
    by_name = client.get(url, {"kelompok": "ompok 1"})
    assert by_name.context["page"].paginator.count == 30 + 1 + 1
