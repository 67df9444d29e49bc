"""A change project in a real browser: a participant writes and submits the design; the
widyaiswara opens their queue, approves it, and scores another participant's report on the
rubric; that participant sees the result."""

from datetime import date

import pytest
from playwright.sync_api import expect

from participants.services import participant_account_ensure
from projects.models import ChangeProject, State, Theme
from projects.scoring import rubrics_default

from ..factories import PASSWORD, CohortFactory, enrol, widyaiswara_user
from .test_certificate_path import log_in, log_out

pytestmark = pytest.mark.browser


def test_queue_approve_score_and_the_participant_sees_it(page, live_server, tmp_path):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_default(cohort.program)
    # Seeded by a migration, but an earlier browser test's flush may have emptied the table.
    Theme.objects.get_or_create(name="Pelayanan publik")
    coach = widyaiswara_user(username="wi", first_name="Dra. Siti", last_name="Rohmah, M.Pd.")
    designer, reporter = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    for enrolment in (designer, reporter):
        participant_account_ensure(participant=enrolment.participant, password=PASSWORD)
    ChangeProject.objects.filter(enrolment=reporter).update(
        title="Arsip digital surat masuk", state=State.REPORT_SUBMITTED
    )
    url = live_server.url

    # The participant writes the design and submits it.
    log_in(page, url, designer.participant.nip)
    page.get_by_role("link", name="Proyek saya").click()
    page.get_by_role("link", name="Ubah isi proyek").click()
    page.get_by_label("Judul").fill("Antrean daring puskesmas")
    page.get_by_label("Tema").select_option(label="Pelayanan publik")
    page.get_by_label("Masalah yang diangkat").fill("Pasien menunggu dua jam di pagi hari.")
    page.get_by_label("Gagasan inovasi").fill("Nomor antrean lewat WhatsApp.")
    page.locator("#id_milestones-0-term").select_option(label="Jangka pendek")
    page.locator("#id_milestones-0-activity").fill("Konsultasi dengan mentor")
    page.locator("#id_milestones-0-planned_start").fill("2022-08-01")
    page.locator("#id_milestones-0-planned_end").fill("2022-08-05")
    page.locator("#id_stakeholders-0-name").fill("Kepala Puskesmas")
    page.locator("#id_stakeholders-0-kind").select_option(label="Internal")
    page.locator("#id_stakeholders-0-role").fill("Pemberi izin")
    page.get_by_role("button", name="Simpan proyek").click()
    expect(page.get_by_text("Proyek tersimpan.")).to_be_visible()
    page.get_by_role("button", name="Ajukan rancangan").click()
    expect(page.locator("#project-state")).to_have_text("Rancangan diajukan")
    log_out(page)

    # The widyaiswara: a design to approve and a report to read.
    log_in(page, url, coach.username)
    expect(page.get_by_role("heading", name="Antrean saya")).to_be_visible()
    expect(page.locator("#count-designs")).to_have_text("1")
    expect(page.locator("#count-reports")).to_have_text("1")
    page.locator("#queue-designs tr", has_text=designer.participant.name).get_by_role(
        "link", name="Tinjau rancangan"
    ).click()
    expect(page.get_by_text("Pasien menunggu dua jam di pagi hari.")).to_be_visible()
    approve = page.locator("form.step-form[data-action=approve_design]")
    approve.locator("input[name=comment]").fill("Rancangan jelas, silakan mulai.")
    approve.get_by_role("button", name="Setujui rancangan").click()
    expect(page.locator("#project-state")).to_have_text("Implementasi")
    page.screenshot(path=tmp_path / "1-approved.png", full_page=True)

    page.get_by_role("link", name="Antrean saya").first.click()
    expect(page.locator("#count-designs")).to_have_text("0")
    page.locator("#queue-reports tr", has_text=reporter.participant.name).get_by_role(
        "link", name="Baca dan nilai"
    ).click()
    page.get_by_role("link", name="Isi nilai Coach").click()
    for label, score in [("Kualitas rancangan", "85"), ("Konsistensi pelaksanaan", "90,5"),
                         ("Kualitas laporan", "80")]:  # fmt: skip
        page.get_by_label(label).fill(score)
    page.locator("textarea[name^=comment_]").first.fill("Masalah dirumuskan dengan data.")
    page.get_by_role("button", name="Kirim nilai").click()
    # 0.3*85 + 0.4*90.5 + 0.3*80 = 25.5 + 36.2 + 24 = 85.70
    expect(page.locator(".sheet[data-role=coach] .sheet-score")).to_have_text("85,70")
    page.screenshot(path=tmp_path / "2-scored.png", full_page=True)
    log_out(page)

    # The participant sees the coach's score and comment on their project.
    log_in(page, url, reporter.participant.nip)
    page.get_by_role("link", name="Proyek saya").click()
    expect(page.locator("#project-title")).to_have_text("Arsip digital surat masuk")
    coach_sheet = page.locator(".sheet[data-role=coach]")
    expect(coach_sheet.locator(".sheet-score")).to_have_text("85,70")
    expect(coach_sheet.get_by_text("Masalah dirumuskan dengan data.")).to_be_visible()
    # The participant sees results, not the scorers' audit trail.
    expect(page.locator("#score-history")).to_have_count(0)
