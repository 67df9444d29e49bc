"""Kelompok: proposed groups are balanced, keep themes together and spread agencies."""

from collections import Counter
from datetime import date

import pytest
from django.urls import reverse

from participants.groups import groups_propose
from participants.models import StudyGroup
from projects.models import ChangeProject, Theme

from ..factories import AgencyFactory, CohortFactory, ParticipantFactory, enrol, staff_user

pytestmark = pytest.mark.django_db


def cohort_with(themes_and_agencies):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    agencies = {}
    for theme, agency in themes_and_agencies:
        agencies.setdefault(agency, AgencyFactory(name=agency))
        enrolment = enrol(cohort, ParticipantFactory(agency=agencies[agency]))
        theme = Theme.objects.get_or_create(name=theme)[0] if theme else None
        ChangeProject.objects.filter(enrolment=enrolment).update(theme=theme)
    return cohort


def members(cohort):
    return {
        group.name: list(group.enrolments.select_related("participant__agency", "project__theme"))
        for group in StudyGroup.objects.filter(cohort=cohort)
    }


def test_groups_are_balanced_and_themes_stay_together():
    cohort = cohort_with(
        [("Stunting", f"Dinas {n % 3}") for n in range(5)]
        + [("Pengendalian inflasi", f"Dinas {n % 3}") for n in range(4)]
        + [("Transformasi digital", f"Dinas {n % 3}") for n in range(3)]
    )
    groups_propose(cohort=cohort, count=3)
    groups = members(cohort)
    assert sorted(len(m) for m in groups.values()) == [4, 4, 4]
    homes = {}
    for name, group in groups.items():
        for enrolment in group:
            homes.setdefault(enrolment.project.theme.name, set()).add(name)
    # Five stunting projects cannot fit one group of four; the other themes stay whole.
    assert len(homes["Stunting"]) == 2
    assert len(homes["Pengendalian inflasi"]) == 1
    assert len(homes["Transformasi digital"]) == 1


def test_without_themes_each_agency_is_spread_across_groups():
    cohort = cohort_with([("", "Dinas Kesehatan")] * 6 + [("", "Dinas Pendidikan")] * 6)
    groups_propose(cohort=cohort, count=3)
    for group in members(cohort).values():
        assert Counter(e.participant.agency.name for e in group) == {
            "Dinas Kesehatan": 2,
            "Dinas Pendidikan": 2,
        }


def test_staff_group_and_move_participants_on_the_board(client, django_assert_max_num_queries):
    cohort = cohort_with([("Stunting", "Dinas A")] * 4 + [("Gizi buruk", "Dinas B")] * 3)
    client.force_login(staff_user())
    url = reverse("participants:groups", args=[cohort.pk])
    assert client.post(url, {"propose": "1", "count": "2"}).status_code == 302
    groups = members(cohort)
    assert sorted(len(m) for m in groups.values()) == [3, 4]

    one = groups["Kelompok 1"][0]
    target = StudyGroup.objects.get(cohort=cohort, name="Kelompok 2")
    assert client.post(url, {"move": "1", f"group-{one.pk}": str(target.pk)}).status_code == 302
    one.refresh_from_db()
    assert one.group == target
    # A select value that is not a group id (a tampered form) takes the participant out of
    # their group rather than failing the page.
    assert client.post(url, {"move": "1", f"group-{one.pk}": "²"}).status_code == 302
    one.refresh_from_db()
    assert one.group is None
    client.post(url, {"move": "1", f"group-{one.pk}": str(target.pk)})

    # session, user, permissions (2), role names, cohort, groups, members, forms' choices
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.content.decode().count("Kelompok 2") >= 2
