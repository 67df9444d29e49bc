"""A participant of a field visit, on a 390 px phone: their group and itinerary, "Saya hadir"
on the day, and their report with a photo; a file that is not an image is refused in
Indonesian with the text kept (issue 18)."""

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from participants.models import VisitMember, VisitReport
from participants.services import participant_account_ensure

from ..factories import PASSWORD
from ..participants.test_visits import visit_world
from .browsing import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_participant_sends_a_visit_report_with_a_photo_on_a_phone(browser, live_server, tmp_path):
    visit, _cohorts, _groups = visit_world(
        per_cohort=6, cohorts=2, bus_capacity=10, escorts=["Ibu Pendamping Panitia"],
        start_date=timezone.localdate(),
    )  # fmt: skip
    member = VisitMember.objects.select_related("enrolment__participant").first()
    user = participant_account_ensure(participant=member.enrolment.participant, password=PASSWORD)
    photo = tmp_path / "mal-pelayanan-publik.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(photo)
    not_a_photo = tmp_path / "catatan.jpg"
    not_a_photo.write_text("bukan gambar")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, user.username)
        page.goto(f"{live_server.url}/kunjungan-saya/")
        expect(page.get_by_role("heading", name=visit.title)).to_be_visible()
        expect(page.locator("#my-visit-group")).to_contain_text("Ibu Pendamping Panitia")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_role("button", name="Saya hadir").click()
        expect(page.get_by_text("Kehadiran Anda tercatat.")).to_be_visible()

        text = "Mal Pelayanan Publik menyatukan layanan dalam satu gedung."
        page.locator("#id_text").fill(text)
        page.locator("#id_photos").set_input_files(str(not_a_photo))
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.get_by_text("Foto “catatan.jpg” bukan gambar JPG atau PNG.")).to_be_visible()
        expect(page.locator("#id_text")).to_have_value(text)
        assert not VisitReport.objects.exists()

        page.locator("#id_photos").set_input_files(str(photo))
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.get_by_text("Laporan studi lapangan Anda terkirim.")).to_be_visible()
        expect(page.locator("#report-status")).to_contain_text("1 foto")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    report = VisitReport.objects.get()
    assert report.text == text and report.photos.count() == 1
