"""Importing in a real browser: a file with errors is shown row by row and changes nothing;
the corrected file imports; the participants are on the roster and can be grouped."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cohorts.models import Cohort
from demo.loaders import demo_data_load

from ..factories import PASSWORD
from .test_certificate_path import log_in

pytestmark = pytest.mark.browser
SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


def test_staff_import_fix_and_group(page, live_server):
    demo_data_load()
    staff = get_user_model().objects.get(username="staf")
    staff.set_password(PASSWORD)
    staff.save()
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    before = cohort.enrolments.count()
    log_in(page, live_server.url, "staf")
    page.get_by_role("link", name=str(cohort)).click()
    page.get_by_role("link", name="Impor dari berkas").click()

    page.get_by_label("Berkas peserta (XLSX atau CSV)").set_input_files(
        SAMPLES / "peserta-latsar-angkatan-75.xlsx"
    )
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("5 kesalahan ditemukan.")).to_be_visible()
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(5)
    expect(errors.nth(0)).to_contain_text("Tanggal lahir pada NIP (8 angka pertama) bukan tanggal")
    expect(errors.nth(1)).to_contain_text("Instansi “Bapenda Kota Tangerang” tidak terdaftar")
    expect(errors.nth(4)).to_contain_text("NIP sama dengan baris 3.")
    expect(page.get_by_role("button", name="Impor")).to_have_count(0)
    assert cohort.enrolments.count() == before

    page.get_by_role("link", name="Unggah berkas yang sudah diperbaiki").click()
    page.get_by_label("Berkas peserta (XLSX atau CSV)").set_input_files(
        SAMPLES / "peserta-latsar-angkatan-75-diperbaiki.xlsx"
    )
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("#import-summary")).to_contain_text("6 peserta baru")
    page.get_by_role("button", name="Impor 6 baris").click()
    expect(page.get_by_text("6 peserta baru didaftarkan")).to_be_visible()

    page.get_by_label("Cari nama atau NIP").fill("Nurul")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("#roster tbody tr")).to_have_count(1)
    expect(page.locator("#roster")).to_contain_text("19970314 202506 2 501")

    page.get_by_role("link", name="Kelompok").first.click()
    page.get_by_label("Jumlah kelompok").fill("4")
    page.get_by_role("button", name="Bagi peserta").click()
    expect(page.get_by_text("Peserta dibagi ke 4 kelompok")).to_be_visible()
    expect(page.locator("#group-summary .group-row")).to_have_count(4)
    expect(page.locator("#ungrouped-count")).to_have_text("0")
    assert not cohort.enrolments.filter(group__isnull=True).exists()
