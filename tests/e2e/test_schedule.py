"""Schedules in a real browser: staff create a Latsar cohort and see its computed dates, move
a phase, take attendance on a phone; a participant logs in to "Jadwal saya"."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from cohorts.models import Cohort
from cohorts.services import phase_days, phases_schedule
from participants.models import Attendance
from participants.services import participant_account_ensure

from ..factories import (
    PASSWORD,
    CohortFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    enrol,
    staff_user,
)
from .test_certificate_path import log_in, log_out

pytestmark = pytest.mark.browser


def day(value):
    return date_format(value, "DATE_FORMAT")


def test_staff_schedule_a_cohort_and_a_participant_sees_jadwal_saya(page, browser, live_server):
    program = ProgramFactory()
    organiser = TrainingAgencyFactory(name="BPSDMD Provinsi Banten", code="bpsdmd-banten")
    staff = staff_user(username="staf", institutions=[organiser])
    today = timezone.localdate()
    templates = list(program.versions.get().phase_templates.order_by("order"))
    # A start about a month ago whose schedule has a phase running today (not a weekend gap).
    start = today - timedelta(days=30)
    while not any(
        first <= today <= last
        for _, first, last in phases_schedule(templates=templates, start_date=start)
    ):
        start -= timedelta(days=1)
    expected = phases_schedule(templates=templates, start_date=start)
    url = live_server.url

    log_in(page, url, staff.username)
    page.get_by_role("link", name="Buat angkatan").click()
    page.get_by_label("Program").select_option(label=program.name)
    page.locator("#id_organiser").select_option(label=organiser.name)
    page.get_by_label("Angkatan ke-").fill("75")
    page.get_by_label("Tahun").fill(str(start.year))
    page.get_by_label("Tanggal mulai").fill(start.isoformat())
    page.get_by_role("button", name="Buat dan jadwalkan").click()

    page.get_by_role("link", name="Jadwal lengkap").click()
    rows = page.locator("#schedule tbody tr")
    expect(rows).to_have_count(4)
    for index, (template, first, last) in enumerate(expected):
        expect(rows.nth(index)).to_contain_text(f"{day(first)} – {day(last)}")
        expect(rows.nth(index)).to_contain_text(template.name)
    expect(page.locator("#today-phase")).to_be_visible()

    # Staff move the last phase a week later.
    classical = expected[3]
    rows.nth(3).get_by_role("link", name="Ubah tanggal").click()
    new_start = classical[1] + timedelta(days=7)
    new_end = classical[2] + timedelta(days=7)
    page.get_by_label("Mulai").fill(new_start.isoformat())
    page.get_by_label("Selesai").fill(new_end.isoformat())
    page.get_by_role("button", name="Simpan tanggal").click()
    expect(page.get_by_text("Jadwal disimpan; 1 tahap berpindah.")).to_be_visible()
    expect(rows.nth(3)).to_contain_text(f"{day(new_start)} – {day(new_end)}")

    # Attendance on a phone, for the first day of a classical week already held.
    past = CohortFactory(
        program=program, organiser=organiser, angkatan=74, start_date=date(2022, 7, 8)
    )
    enrolments = [enrol(past) for _ in range(3)]
    classical_past = past.phases.get(kind="classical")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        mobile = phone.new_page()
        log_in(mobile, url, staff.username)
        mobile.goto(f"{url}/angkatan/{past.pk}/jadwal/")
        mobile.locator("#schedule tbody tr").nth(3).get_by_role(
            "link", name="Sesi & presensi"
        ).click()
        mobile.get_by_role("link", name="Presensi").first.click()
        mobile.get_by_role("button", name="Tandai yang kosong: hadir").click()
        mobile.get_by_label(enrolments[1].participant.name).get_by_text("Izin").click()
        mobile.get_by_role("button", name="Simpan presensi").click()
        first_day = phase_days(classical_past)[0]
        expect(mobile.get_by_text(f"Presensi {day(first_day)} disimpan.")).to_be_visible()
    finally:
        phone.close()
    assert sorted(Attendance.objects.values_list("status", flat=True)) == [
        "hadir",
        "hadir",
        "izin",
    ]
    log_out(page)

    # A participant of the running cohort logs in and lands on "Jadwal saya".
    cohort = Cohort.objects.get(angkatan=75)
    participant = enrol(cohort).participant
    user = participant_account_ensure(participant=participant, password=PASSWORD)
    log_in(page, url, user.username)
    expect(page.get_by_role("heading", name="Jadwal saya")).to_be_visible()
    current = next(t for t, first, last in expected if first <= today <= last)
    expect(page.locator("#now")).to_contain_text(current.name)
    expect(page.locator("#my-phases tbody tr")).to_have_count(4)
    expect(page.locator("#my-feed")).to_have_value(
        f"{url}/kalender/peserta/{participant.calendar_token}.ics"
    )


def test_staff_build_and_publish_a_program_in_the_editor(page, live_server):
    staff = staff_user(username="staf")
    log_in(page, live_server.url, staff.username)
    page.get_by_role("link", name="Program", exact=True).click()
    page.get_by_role("link", name="Program baru").click()
    page.locator("#id_name").fill("Pelatihan Kepemimpinan Pengawas")
    page.locator("#id_code").fill("pkp")
    page.locator("#id_position_level").select_option(label="Pengawas")
    page.locator("#id_project_label").fill("aksi perubahan")
    page.get_by_label("Kurikulum berlaku mulai").fill("2019-01-01")
    page.get_by_label("Jumlah JP yang ditetapkan").fill("830")
    page.get_by_role("button", name="Simpan").click()

    # Two phases in the empty rows; the third row stays empty and is ignored.
    rows = page.locator("#phase-forms tbody tr")
    for index, (kind, name, mode, jp, days, rule) in enumerate(
        [
            ("Pembelajaran jarak jauh", "Pembelajaran jarak jauh", "Daring", "290", "36",
             "Hari kerja (Senin-Jumat)"),
            ("Aktualisasi", "Laboratorium kepemimpinan", "Di tempat kerja peserta", "540", "60",
             "Hari kerja (Senin-Jumat)"),
        ]
    ):  # fmt: skip
        row = rows.nth(index)
        row.locator("input[name$='-order']").fill(str(index + 1))
        row.locator("select[name$='-kind']").select_option(label=kind)
        row.locator("input[name$='-name']").fill(name)
        row.locator("select[name$='-mode']").select_option(label=mode)
        row.locator("input[name$='-jp']").fill(jp)
        row.locator("input[name$='-days']").fill(days)
        row.locator("select[name$='-day_rule']").select_option(label=rule)
    page.get_by_role("button", name="Simpan versi").click()
    expect(page.get_by_text("Versi 1 disimpan.")).to_be_visible()
    expect(page.locator("#total-jp")).to_have_text("830")

    # Save again without touching anything: the empty rows must not get in the way.
    page.get_by_role("link", name="Ubah", exact=True).click()
    page.get_by_role("button", name="Simpan versi").click()
    expect(page.get_by_text("Versi 1 disimpan.")).to_be_visible()

    page.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_text("Versi 1 diterbitkan")).to_be_visible()
    expect(page.locator("#versions")).to_contain_text("Terbit")
