"""The project editor in a real browser: "Tambah baris" adds rows in the page, without a
save between them, and one save keeps them all."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from participants.services import participant_account_ensure
from projects.models import Theme

from ..factories import PASSWORD, CohortFactory, enrol, widyaiswara_user
from .test_certificate_path import log_in

pytestmark = pytest.mark.browser


def test_tambah_baris_adds_rows_in_the_page_and_one_save_keeps_them(page, live_server):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    Theme.objects.get_or_create(name="Pelayanan publik")
    enrolment = enrol(cohort, coach=widyaiswara_user())
    participant_account_ensure(participant=enrolment.participant, password=PASSWORD)
    project = enrolment.project

    log_in(page, live_server.url, enrolment.participant.nip)
    page.goto(live_server.url + reverse("projects:edit", args=[project.pk]))
    page.get_by_label("Judul").fill("Antrean daring puskesmas")
    stakeholders = [
        ("Kepala Puskesmas", "Internal"),
        ("Dinas Kominfo", "Eksternal"),
        ("Paguyuban pasien", "Eksternal"),
        ("Camat", "Eksternal"),
    ]
    # Two empty rows come with the page; the other two are added in it.
    for _ in range(2):
        page.get_by_role("button", name="Tambah baris Pemangku kepentingan").click()
    expect(page.locator("#id_stakeholders-3-name")).to_be_focused()
    for index, (name, kind) in enumerate(stakeholders):
        page.locator(f"#id_stakeholders-{index}-name").fill(name)
        page.locator(f"#id_stakeholders-{index}-kind").select_option(label=kind)
        page.locator(f"#id_stakeholders-{index}-role").fill("Mendukung")
    page.get_by_role("button", name="Tambah baris Tonggak").click()
    for index, activity in enumerate(["Rapat", "Uji coba", "Evaluasi"]):
        page.locator(f"#id_milestones-{index}-term").select_option(label="Jangka pendek")
        page.locator(f"#id_milestones-{index}-activity").fill(activity)
    # Nothing was sent yet: what was typed before adding rows is still there.
    expect(page.get_by_label("Judul")).to_have_value("Antrean daring puskesmas")

    page.get_by_role("button", name="Simpan proyek").click()
    expect(page.get_by_text("Proyek tersimpan.")).to_be_visible()
    for name, kind in stakeholders:
        expect(page.get_by_text(f"{name} ({kind}): Mendukung")).to_be_visible()
    expect(page.locator("#milestones tbody tr")).to_have_count(3)
