"""The widyaiswara ledger on a phone (issue 16, at 390 px): a widyaiswara finds *Catatan
mengajar* in the menu, chooses the period, reads their JP and the chart, and downloads the XLSX
with the page's figures."""

import io
from datetime import time

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cohorts.models import ClassSession

from ..factories import CohortFactory, widyaiswara_user
from .browsing import log_in, menu

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_widyaiswara_reads_their_ledger_and_downloads_the_xlsx_on_a_phone(browser, live_server):
    wi = widyaiswara_user(username="wi-hp", first_name="Dra. Ledger", last_name="Uji, M.Pd.")
    cohort = CohortFactory()
    classical = cohort.phases.get(kind="classical")
    for subject, jp in [("Wawasan kebangsaan", 3), ("Nilai-nilai dasar", 2)]:
        ClassSession.objects.create(
            phase=classical, date=classical.start_date, start_time=time(8),
            end_time=time(9, 30), subject=subject, jp=jp, widyaiswara=wi,
        )  # fmt: skip
    year = classical.start_date.year
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, wi.username)
        menu(page, "Catatan mengajar")
        expect(page.get_by_role("heading", name="Catatan mengajar")).to_be_visible()
        # The year of their latest session by default; any period can still be chosen.
        expect(page.locator("#total-jp")).to_have_text("5")
        expect(page.get_by_label("Dari tanggal")).to_have_value(f"{year}-01-01")
        page.get_by_label("Dari tanggal").fill(f"{year}-01-01")
        page.get_by_label("Sampai tanggal").fill(f"{year}-12-31")
        page.get_by_role("button", name="Terapkan").click()
        expect(page.locator("#total-jp")).to_have_text("5")
        expect(page.get_by_role("img", name="JP per bulan")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # No critical or serious accessibility violation (the chart is an image with a name).
        violations = Axe().run(page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in ("critical", "serious")] == []
        with page.expect_download() as download:
            page.get_by_role("link", name="Unduh XLSX").click()
        data = download.value.path().read_bytes()
    finally:
        context.close()
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = [list(r) for r in book["JP per program"].iter_rows(values_only=True)]
    assert rows[1][0] == "Dra. Ledger Uji, M.Pd."
    assert rows[-1] == ["Jumlah", 1, 2, 5]
