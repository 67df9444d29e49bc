"""A participant evaluates a campus day on a 390 px phone; staff see the day's aggregate only
after the fifth answer (issue 16)."""

import pytest
from playwright.sync_api import expect

from participants.models import EvaluationSubmission
from participants.services import participant_account_ensure

from ..factories import PASSWORD, staff_user
from ..participants.test_evaluations import answer, world  # noqa: F401
from .browsing import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_participant_evaluates_a_day_and_staff_see_it_from_the_fifth(
    browser,
    live_server,
    world,  # noqa: F811
):
    first, *others = world["enrolments"]
    user = participant_account_ensure(participant=first.participant, password=PASSWORD)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, user.username)
        page.goto(f"{live_server.url}/jadwal/")
        page.get_by_role("link", name="Evaluasi yang menunggu").click()
        page.locator("#evaluations-waiting a", has_text="Hari").first.click()
        expect(page.get_by_role("heading", name="Dra. Sri Lestari")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        radios = page.locator("input[type=radio][value='80']")
        for index in range(radios.count()):
            radios.nth(index).check()
        page.locator("textarea").first.fill("Contoh kasusnya dekat dengan pekerjaan kami")
        page.get_by_role("button", name="Kirim evaluasi").click()
        expect(
            page.get_by_text("Terima kasih, evaluasi Anda sudah terkirim tanpa nama.")
        ).to_be_visible()
    finally:
        context.close()
    assert EvaluationSubmission.objects.filter(enrolment=first).count() == 1

    for enrolment in others[:3]:
        answer(world, enrolment, value=80)
    staff = staff_user(username="panitia-evaluasi")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, staff.username)
        page.goto(f"{live_server.url}/angkatan/{world['cohort'].pk}/evaluasi/")
        expect(page.locator("#evaluation-speakers")).to_contain_text(
            "Belum cukup jawaban (minimal 5)"
        )
        expect(page.locator("#evaluation-speakers")).not_to_contain_text("Contoh kasusnya")
        answer(world, others[3], value=80)
        page.reload()
        speakers = page.locator("#evaluation-speakers")
        expect(speakers).to_contain_text("80,00")
        expect(speakers).to_contain_text("Contoh kasusnya dekat dengan pekerjaan kami")
        expect(speakers).not_to_contain_text("Belum cukup jawaban")
    finally:
        context.close()
