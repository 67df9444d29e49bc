"""Staff in a real browser, at a phone's width and a desk's: the mentor's approval entered
from the signed paper form, then the mentor invited by WhatsApp."""

import re
from datetime import date
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from participants.services import enrolment_create, mentor_upsert
from projects.models import ChangeProject, State
from projects.scoring import rubrics_default

from ..factories import CohortFactory, ParticipantFactory, staff_user, valid_nip, widyaiswara_user
from .test_certificate_path import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.mark.parametrize("width", [390, 1366])
def test_staff_enter_the_mentors_approval_and_send_a_whatsapp_invitation(
    page, live_server, tmp_path, settings, width
):
    settings.MEDIA_ROOT = tmp_path
    page.set_viewport_size({"width": width, "height": 900})
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_default(cohort.program)
    mentor = mentor_upsert(
        nip=valid_nip(900), name="Drs. H. Kepala Kantor, M.Si.", phone="0812-3456-7890"
    )
    enrolment = enrolment_create(
        cohort=cohort, participant=ParticipantFactory(name="Dewi Lestari, S.Kom."),
        coach=widyaiswara_user(username="wi"), mentor=mentor, invite=False,
    )  # fmt: skip
    # The coach has approved; the design waits for the mentor, who will not sign in.
    ChangeProject.objects.filter(enrolment=enrolment).update(state=State.DESIGN_SUBMITTED)
    project = ChangeProject.objects.get(enrolment=enrolment)
    staff = staff_user(first_name="Rina", last_name="Staf Diklat")
    scan = tmp_path / "persetujuan.pdf"
    scan.write_bytes(PDF)

    log_in(page, live_server.url, staff.username)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    page.get_by_role("link", name="Catat persetujuan mentor dari formulir").click()
    page.get_by_label("Pindaian formulir bertanda tangan").set_input_files(str(scan))
    expect(page.get_by_label("Ditandatangani oleh")).to_have_value("Drs. H. Kepala Kantor, M.Si.")
    page.get_by_label("Tanggal tanda tangan").fill("2022-08-10")
    page.get_by_label("Catatan mentor (boleh kosong)").fill("Setuju.")
    page.get_by_role("button", name="Catat persetujuan mentor").click()
    expect(page.get_by_text("Persetujuan Drs. H. Kepala Kantor, M.Si. tercatat")).to_be_visible()
    expect(page.locator("#steps")).to_contain_text(
        "dimasukkan oleh Rina Staf Diklat atas nama Drs. H. Kepala Kantor, M.Si."
    )
    expect(page.locator("#steps")).to_contain_text("10 Agustus 2022")

    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    page.get_by_role("link", name="Undangan akun").click()
    send = page.get_by_role("button", name="Kirim undangan ke yang belum aktif")
    expect(send).to_be_in_viewport()
    link = page.locator("#whatsapp-links-mentors a", has_text="Drs. H. Kepala Kantor, M.Si.")
    expect(link).to_be_visible()
    # The page links to a short address of ours, which builds the message when clicked and
    # leads on to WhatsApp with it.
    assert PHONE_LINK.match(whatsapp_target(page, link.get_attribute("href")))
    # The mentor's own buttons sit within the page's width, without scrolling sideways.
    button = page.locator("#mentor-accounts").get_by_role("link", name="WhatsApp")
    assert PHONE_LINK.match(whatsapp_target(page, button.get_attribute("href")))
    box = button.bounding_box()
    assert box["x"] + box["width"] <= width


def whatsapp_target(page, href):
    """Where a WhatsApp link of the invitations page leads (its redirect, not followed)."""
    response = page.request.get(urljoin(page.url, href), max_redirects=0)
    assert response.status == 302
    return response.headers["location"]


# The wa.me address of 0812-3456-7890, followed by the message.
PHONE_LINK = re.compile(r"^https://wa\.me/6281234567890\?text=Yth\.%20Drs\.")
