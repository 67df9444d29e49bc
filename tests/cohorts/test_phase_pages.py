"""Every phase has its page: from the cohort page, the schedule and its timeline; each says
where the phase is held, offers sessions and attendance only on campus, and makes its report."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.services import session_add
from documents.models import PhaseReport, ReportJob
from documents.reports import report_job_run

from ..factories import CohortFactory, enrol, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(client):
    """Latsar 2022 from 8 July: MOOC and distance learning online, actualization at the
    participants' offices, the classical week on campus."""
    client.force_login(staff_user())
    return CohortFactory(start_date=date(2022, 7, 8), venue="Kampus BPSDMD, Karang Tanjung")


def phase_url(phase):
    return reverse("cohorts:phase_detail", args=[phase.cohort_id, phase.pk])


def test_every_phase_row_of_the_cohort_page_opens_its_phase(client, cohort):
    page = client.get(reverse("cohort_detail", args=[cohort.pk])).content.decode()
    for phase in cohort.phases.all():
        assert f'href="{phase_url(phase)}">{phase.name}</a>' in page


def test_the_schedule_links_every_phase_from_its_row_and_its_timeline_bar(client, cohort):
    page = client.get(reverse("cohorts:cohort_schedule", args=[cohort.pk])).content.decode()
    for phase in cohort.phases.all():
        # The phase's name in the table, and its bar on the timeline.
        assert page.count(f'href="{phase_url(phase)}"') >= 2, phase.name


def test_the_timeline_shows_its_months_and_each_phase_s_dates(client, cohort):
    page = client.get(reverse("cohorts:cohort_schedule", args=[cohort.pk])).content.decode()
    # 8 July to 22 October 2022 (the classical week ends on Saturday the 22nd).
    for month in ["Jul 2022", "Agu 2022", "Sep 2022", "Okt 2022"]:
        assert f">{month}</span>" in page
    assert "Jun 2022" not in page and "Nov 2022" not in page
    # MOOC: 16 working days from Friday 8 July, past Saturdays and Sundays.
    assert '<span class="timeline-dates">8 Jul–29 Jul</span>' in page


def test_a_participant_s_timeline_has_no_links_to_staff_pages(client, cohort):
    from participants.services import participant_account_ensure

    participant = enrol(cohort).participant
    client.force_login(participant_account_ensure(participant=participant))
    page = client.get(reverse("participants:my_schedule")).content.decode()
    assert "timeline-dates" in page
    assert "/tahap/" not in page


@pytest.mark.parametrize(
    ("kind", "place", "on_campus"),
    [
        ("mooc", "Peserta belajar dari tempat masing-masing.", False),
        ("distance", "Peserta belajar dari tempat masing-masing.", False),
        ("actualization", "Tiap peserta di kantornya sendiri, dibimbing mentornya.", False),
        ("classical", "Kampus BPSDMD, Karang Tanjung", True),
    ],
)
def test_a_phase_page_says_where_it_is_held_and_offers_sessions_only_on_campus(
    client, cohort, kind, place, on_campus
):
    phase = cohort.phases.get(kind=kind)
    page = client.get(phase_url(phase)).content.decode()
    assert place in page
    assert phase.get_mode_display() in page
    # Every phase makes its report.
    report = reverse("documents:phase_report_request", args=[cohort.pk, phase.pk])
    assert f'action="{report}"' in page
    assert ("Tambah sesi" in page) == on_campus
    assert ("Presensi" in page or "Presensi dibuka pada harinya" in page) == on_campus
    assert ("Sesi kelas dan presensi hanya dicatat" in page) == (not on_campus)
    # The other phases are one click away.
    for other in cohort.phases.all():
        assert f'href="{phase_url(other)}"' in page


@pytest.mark.parametrize("name", ["cohorts:session_add", "participants:attendance"])
def test_sessions_and_attendance_are_not_found_on_a_phase_off_campus(client, cohort, name):
    mooc = cohort.phases.get(kind="mooc")
    response = client.get(reverse(name, args=[cohort.pk, mooc.pk, mooc.start_date]))
    assert response.status_code == 404


def test_staff_make_the_report_of_an_online_phase(client, cohort, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enrol(cohort)
    mooc = cohort.phases.get(kind="mooc")
    response = client.post(reverse("documents:phase_report_request", args=[cohort.pk, mooc.pk]))
    # Made by a job (run here as the worker runs it): the answer leads to the job's page.
    job = ReportJob.objects.get(phase=mooc)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    report_job_run(job_id=job.pk)
    report = PhaseReport.objects.get(phase=mooc)
    page = client.get(phase_url(mooc)).content.decode()
    assert reverse("documents:phase_report", args=[report.pk]) in page


def test_a_campus_phase_page_reads_a_fixed_number_of_queries(
    client, cohort, django_assert_num_queries
):
    classical = cohort.phases.get(kind="classical")
    for _ in range(5):
        enrol(cohort)
    for day in (classical.start_date, classical.end_date):
        session_add(
            phase=classical, date=day, start_time="08:00", end_time="11:45", subject="Smart ASN"
        )
    assert classical.end_date < timezone.localdate()
    # session, user, permissions (2), role names; the phase with its cohort; the organiser's
    # days (the phase's dates); the cohort's phases; sessions; attendance counts; enrolments;
    # reports. Whatever the number of participants, days or sessions.
    with django_assert_num_queries(12):
        response = client.get(phase_url(classical))
    assert response.content.decode().count("Smart ASN") == 2


@pytest.mark.browser
def test_staff_open_a_phase_from_its_timeline_bar_and_print_the_schedule(page, live_server):
    from playwright.sync_api import expect

    from ..e2e.test_certificate_path import log_in

    staff = staff_user(username="staf")
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    log_in(page, live_server.url, staff.username)
    page.goto(f"{live_server.url}{reverse('cohorts:cohort_schedule', args=[cohort.pk])}")
    page.locator(".timeline-bar").filter(has_text="Aktualisasi").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Aktualisasi")).to_be_visible()
    expect(page.locator("#phase-place")).to_contain_text("Tiap peserta di kantornya sendiri")
    expect(page.get_by_role("link", name="Tambah sesi")).to_have_count(0)
    page.locator("#phase-nav").get_by_role("link", name="Klasikal").click()
    expect(page.get_by_role("link", name="Tambah sesi").first).to_be_visible()

    # On paper: the timeline and the table, without the menu, the buttons or the calendar.
    page.go_back()
    page.go_back()
    expect(page.get_by_role("button", name="Cetak jadwal")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Cetak jadwal")).to_be_hidden()
    # (Found by their text: a role lookup skips what is not displayed.)
    expect(page.locator("#schedule").get_by_text("Ubah tanggal")).to_have_count(4)
    expect(page.locator("#schedule").get_by_text("Ubah tanggal").first).to_be_hidden()
    expect(page.locator("#cohort-feed")).to_be_hidden()
    expect(page.locator("#schedule")).to_be_visible()
    expect(page.locator(".timeline-month").first).to_have_text("Jul 2022")
    expect(page.locator(".timeline-bar").first).to_be_visible()
