"""The attendance form at any cohort size: about 50 rows a page with a search; a save records
the rows shown and leaves the other pages as they were; the counts per status come from SQL."""

import re
from datetime import date

import pytest
from django.urls import reverse

from participants.models import Attendance
from participants.services import attendance_record

from ..factories import CohortFactory, staff_user
from .crowd import crowd

pytestmark = pytest.mark.django_db

# session, user, permissions (2), role names; the phase with its cohort, and the organiser's
# days off (the phase's days); the counts per status for the day and the enrolled count
# (which is also the page list's count when nothing is searched); the page's 50 rows; the
# statuses of those 50 on that day.
FORM_QUERIES = 11


@pytest.fixture
def attendance(client):
    def build(size):
        cohort = CohortFactory(start_date=date(2022, 7, 8))
        phase = cohort.phases.get(kind="classical")
        enrolments = crowd(cohort, size)
        client.force_login(staff_user())
        day = phase.start_date
        url = reverse("participants:attendance", args=[cohort.pk, phase.pk, day])
        return phase, day, enrolments, url

    return build


@pytest.mark.parametrize("size", [40, 400])
def test_the_form_costs_the_same_at_40_and_400(client, attendance, django_assert_num_queries, size):
    phase, day, enrolments, url = attendance(size)
    attendance_record(
        phase=phase, date=day, statuses={e.pk: "hadir" for e in enrolments[:30]}, recorded_by=None
    )
    # The same number at both sizes: the statuses are read for the page's rows only, and
    # counted in SQL for the whole day.
    with django_assert_num_queries(FORM_QUERIES):
        page = client.get(url)
    html = page.content.decode()
    assert html.count('value="hadir"') == min(size, 50)
    assert "Hadir: 30" in html
    assert f"Belum dicatat: {size - 30}" in html
    if size == 400:
        assert len(page.content) < 200_000
        assert "Halaman 1 dari 8" in html


def statuses(day):
    return dict(Attendance.objects.filter(date=day).values_list("enrolment_id", "status"))


def test_saving_page_two_leaves_page_one_untouched(client, attendance):
    phase, day, enrolments, url = attendance(120)
    attendance_record(
        phase=phase, date=day, statuses={e.pk: "izin" for e in enrolments[:50]}, recorded_by=None
    )
    second = enrolments[50:100]
    response = client.post(f"{url}?page=2", {f"status-{e.pk}": "sakit" for e in second})
    # On to page 3 of the same list.
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=3"
    recorded = statuses(day)
    assert all(recorded[e.pk] == "izin" for e in enrolments[:50])
    assert all(recorded[e.pk] == "sakit" for e in second)
    assert len(recorded) == 100
    # A row of another page sent with page 2 is not saved: only the rows shown are.
    client.post(f"{url}?page=2", {f"status-{enrolments[0].pk}": "alpa"})
    assert statuses(day)[enrolments[0].pk] == "izin"
    # The last page goes back to the phase, as a single page always did.
    last = client.post(f"{url}?page=3", {f"status-{enrolments[100].pk}": "hadir"})
    assert last["Location"] == reverse("cohorts:phase_detail", args=[phase.cohort_id, phase.pk])


def test_search_and_the_second_page(client, attendance):
    phase, day, enrolments, url = attendance(120)
    page_two = client.get(url, {"page": 2}).content.decode()
    assert "51. Peserta Massal 0050" in page_two
    assert "Peserta Massal 0049" not in page_two
    found = client.get(url, {"q": "Massal 011"})
    assert [e.participant.name for e in found.context["page"]] == [
        f"Peserta Massal {n:04d}" for n in range(110, 120)
    ]
    # A save from a search goes on to the next page of that search, when there is one.
    response = client.post(f"{url}?q=massal", {f"status-{enrolments[0].pk}": "hadir"})
    assert response["Location"] == f"{url}?q=massal&page=2"


def test_a_refused_save_on_page_two_keeps_what_was_typed(client, attendance):
    phase, day, enrolments, url = attendance(120)
    first, second = enrolments[60], enrolments[61]
    response = client.post(
        f"{url}?page=2", {f"status-{first.pk}": "sakit", f"status-{second.pk}": "terlambat"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    chosen = rf'name="status-{first.pk}" id="[^"]+" value="sakit" autocomplete="off" checked'
    assert re.search(chosen, html)
    assert f"{second.participant.name}, Kehadiran: pilih Hadir, Izin, Sakit, atau Alpa." in html
    assert "Halaman 2 dari 3" in html
    assert not Attendance.objects.exists()
