"""Follow-up after the training on a 390 px phone (issue 18): the participant answers their
round on *Tindak lanjut* without sideways scrolling, the mentor confirms it on theirs. The
public catalogue and the participant's follow-up pages are weighed with the other light pages
in tests/e2e/test_page_weight.py."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.follow_up import follow_up_rounds_open
from projects.models import FollowUpRound

from ..factories import PASSWORD
from ..projects.test_follow_up import followed_project, mentor_with_login, world  # noqa: F401
from .browsing import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_participant_answers_and_the_mentor_confirms_on_a_phone(
    browser,
    live_server,
    world,  # noqa: F811
):
    follow_up_rounds_open(today=date(2023, 2, 1))
    project = world["project"]
    round_ = project.follow_up_rounds.get(months=3)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, world["owner"].username)
        page.goto(live_server.url + reverse("projects:follow_up_mine"))
        expect(page.get_by_role("heading", name="Tindak lanjut proyek")).to_be_visible()
        no_sideways_scroll(page)
        page.get_by_role("link", name="3 bulan setelah seminar").click()
        no_sideways_scroll(page)
        for milestone in project.milestones.exclude(term="short"):
            page.locator(f"#id_m{milestone.pk}-status").select_option(label="Berjalan")
            page.locator(f"#id_m{milestone.pk}-note").fill("Sudah berjalan di dua puskesmas")
        page.get_by_role("button", name="Simpan tindak lanjut").click()
        expect(page.get_by_text("Tindak lanjut tersimpan.")).to_be_visible()
        no_sideways_scroll(page)
    finally:
        context.close()

    mentor = world["mentor"]
    mentor.set_password(PASSWORD)
    mentor.save(update_fields=["password"])
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, mentor.username)
        page.goto(live_server.url + reverse("projects:follow_up_queue"))
        expect(page.get_by_text("Menunggu konfirmasi Anda", exact=True)).to_be_visible()
        no_sideways_scroll(page)
        page.goto(live_server.url + reverse("projects:follow_up_round", args=[round_.pk]))
        no_sideways_scroll(page)
        page.get_by_label("Catatan mentor (boleh kosong)").fill("Sesuai kunjungan")
        page.get_by_role("button", name="Konfirmasi tindak lanjut").click()
        expect(page.get_by_text("Tindak lanjut dikonfirmasi.")).to_be_visible()
    finally:
        context.close()
    assert FollowUpRound.objects.get(pk=round_.pk).confirmed_at is not None
