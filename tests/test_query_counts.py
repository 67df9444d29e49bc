"""List pages cost a fixed number of queries, whatever the cohort's size."""

import pytest
from django.urls import reverse

from .factories import CohortFactory, enrol, staff_user, widyaiswara_user

pytestmark = pytest.mark.django_db

# session, user, the user's and the groups' permissions (2), the role names for the menu;
# the cohort with program and organiser, its phases, the filtered roster (participant,
# agency, coach, group, mentor, project and certificate in one join), every final score
# (enrolments, the program's score components and predicate bands, the entered component
# scores; the enrolled count and who is passing are counted from these), the latest
# certificate batch; the first ten who cross the attendance rules, in one aggregate (since
# issue 16). The group and agency filters are typed, not selects of every one.
COHORT_PAGE_QUERIES = 14
# session, user, permissions (2), role names: what every signed-in page costs.
PER_REQUEST = 5


@pytest.mark.parametrize("size", [3, 30])
def test_cohort_page_queries_do_not_grow_with_the_roster(
    client, django_assert_max_num_queries, size
):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(size):
        enrol(cohort, coach=coach)
    client.force_login(staff_user())
    with django_assert_max_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(cohort.get_absolute_url())
    assert len(response.context["roster"]) == size


@pytest.mark.parametrize("cohorts", [1, 8])
def test_cohort_list_queries_do_not_grow_with_the_cohorts(
    client, django_assert_max_num_queries, cohorts
):
    for _ in range(cohorts):
        enrol(CohortFactory())
    client.force_login(staff_user())
    # the cohorts with their counts in one query, the organiser for the holidays link
    with django_assert_max_num_queries(PER_REQUEST + 2):
        response = client.get(reverse("cohorts:cohort_list"))
    assert response.content.decode().count("/angkatan/") >= cohorts


@pytest.mark.parametrize("size", [3, 30])
def test_widyaiswara_list_queries_do_not_grow(client, django_assert_max_num_queries, size):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(size):
        enrol(cohort, coach=coach)
    client.force_login(coach)
    # supervised projects, examined projects, seminars, the cohorts they coach in
    with django_assert_max_num_queries(PER_REQUEST + 4):
        response = client.get(reverse("projects:queue"))
    # Twenty projects in progress a page, beside the waiting lists.
    assert response.content.decode().count("Peserta Uji") == min(size, 20)
