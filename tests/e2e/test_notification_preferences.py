"""Notification preferences on a phone (issue 16, at 390 px): a mentor finds *Pemberitahuan*
in the menu, takes the daily digest for submitted designs and turns another kind off."""

import pytest
from playwright.sync_api import expect

from participants.accounts import mentor_account_ensure
from participants.models import NotificationKind, NotificationPreference
from participants.services import mentor_upsert

from ..factories import PASSWORD, valid_nip
from .browsing import log_in, menu

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_mentor_chooses_the_daily_digest_on_a_phone(browser, live_server):
    mentor = mentor_upsert(nip=valid_nip(77), name="Drs. Atasan Uji", email="atasan@opd.go.id")
    user = mentor_account_ensure(mentor=mentor, invite=False)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, user.username)
        menu(page, "Pemberitahuan")
        expect(page.get_by_role("heading", name="Pemberitahuan")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        designs = page.get_by_role("group", name="Rancangan proyek diajukan")
        designs.get_by_label("Ringkasan harian").check()
        page.get_by_role("group", name="Tahap pelatihan dimulai besok").get_by_label(
            "Tidak usah"
        ).check()
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("Pilihan pemberitahuan disimpan.")).to_be_visible()
        expect(
            page.get_by_role("group", name="Rancangan proyek diajukan").get_by_label(
                "Ringkasan harian"
            )
        ).to_be_checked()
    finally:
        context.close()
    assert dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "channel")
    ) == {NotificationKind.DESIGN_SUBMITTED: "digest", NotificationKind.PHASE_TOMORROW: "none"}
