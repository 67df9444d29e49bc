"""Seminar lists put upcoming seminars first (issue 14): today's and later ones soonest
first, then the past ones latest first and marked as past; times written the Indonesian way."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Seminar

from ..factories import CohortFactory, staff_user, widyaiswara_user

pytestmark = pytest.mark.django_db


def at(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def rooms(response):
    return [seminar.room for seminar in response.context["seminars"]]


def test_upcoming_seminars_come_first_then_the_past_latest_first(client):
    cohort = CohortFactory()
    examiner = widyaiswara_user()
    # Created out of order: (days from today, hour, room).
    for days, hour, room in [(-10, 8, "Lalu jauh"), (3, 13, "Lusa"), (-1, 8, "Kemarin"),
                             (0, 0, "Hari ini"), (1, 8, "Besok")]:  # fmt: skip
        seminar = Seminar.objects.create(cohort=cohort, starts_at=at(days, hour), room=room)
        seminar.examiners.add(examiner)
    expected = ["Hari ini", "Besok", "Lusa", "Kemarin", "Lalu jauh"]

    client.force_login(examiner)
    mine = client.get(reverse("projects:my_seminars"))
    assert rooms(mine) == expected
    page = mine.content.decode()
    assert page.count("Sudah lewat") == 2
    assert "13.00" in page and "13:00" not in page  # Indonesian time: 13.00

    client.force_login(staff_user())
    staff = client.get(reverse("projects:cohort_seminars", args=[cohort.pk]))
    assert rooms(staff) == expected
