"""Each role's main task walked in a real browser on the demo data, at a laptop's width
(1366 px) and a phone's (390 px): at every step the page does not scroll sideways and the
step's main action lies within the screen's width.

Staff open a cohort, its roster and its gradebook; a widyaiswara goes from the queue to a
design and approves it; a mentor opens a mentee's project; a participant opens *Jadwal saya*
then *Proyek saya*; an administrator opens the documents and the audit log."""

import pytest
from playwright.sync_api import expect

from cohorts.models import Cohort
from config import roles
from demo.loaders import DEMO_PASSWORD, demo_data_load
from projects.models import ChangeProject, State

from .browsing import log_in, menu

pytestmark = pytest.mark.browser

WIDTHS = [(1366, 900), (390, 844)]


def assert_within_width(page, action):
    """The page does not scroll sideways, and `action` is visible inside the screen's width
    (scrolling down to it is fine; scrolling sideways, in the page or in a table, is not)."""
    expect(action).to_be_visible()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    box = action.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


@pytest.fixture
def walk(page, live_server):
    """The demo loaded on the test server; yields a function that logs a user in at a width."""
    demo = demo_data_load()

    def start(username, width, height):
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": height})
        log_in(page, live_server.url, username, DEMO_PASSWORD)
        return page

    start.logins = {role: username for role, username, _ in reversed(demo.logins)}
    return start


def staff_open_a_cohort_its_roster_and_gradebook(walk):
    running = Cohort.objects.get(angkatan=75)
    for size in WIDTHS:
        page = walk("staf", *size)
        menu(page, "Angkatan")
        cohort = page.get_by_role("link", name=str(running)).first
        assert_within_width(page, cohort)
        cohort.click()
        roster = page.locator("#roster tbody tr").first
        assert_within_width(page, roster.get_by_role("link").first)
        gradebook = page.get_by_role("link", name="Daftar nilai")
        assert_within_width(page, gradebook)
        gradebook.click()
        assert_within_width(page, page.get_by_role("button", name="Simpan nilai"))


def widyaiswara_queue_to_a_design_and_approve_it(walk):
    # Designs waiting for this coach, one to approve at each width, whatever the demo's
    # projects have reached today.
    waiting = ChangeProject.objects.filter(
        enrolment__coach__username="widyaiswara", enrolment__cohort__angkatan=75
    ).order_by("pk")
    ChangeProject.objects.filter(pk__in=waiting.values("pk")[: len(WIDTHS)]).update(
        state=State.DESIGN_SUBMITTED
    )
    for size in WIDTHS:
        page = walk("widyaiswara", *size)
        count = page.locator("a.count-card[href='#queue-designs']")
        assert_within_width(page, count)
        count.click()
        review = page.locator("#queue-designs").get_by_role("link", name="Tinjau rancangan")
        assert_within_width(page, review.first)
        review.first.click()
        approve = page.locator("form.step-form[data-action=approve_design]")
        assert_within_width(page, approve.get_by_role("button"))
        approve.locator("input[name=comment]").fill("Rancangan jelas, silakan mulai.")
        approve.get_by_role("button").click()
        expect(page.locator(".alert-success")).to_be_visible()
        assert_within_width(page, page.locator("#project-state"))


def mentor_opens_a_mentee_project(walk):
    for size in WIDTHS:
        page = walk(walk.logins[roles.MENTOR], *size)
        menu(page, "Peserta bimbingan")
        project = page.locator("#mentees tbody tr").first.get_by_role("link").first
        assert_within_width(page, project)
        project.click()
        assert_within_width(page, page.locator("#project-state"))


def participant_jadwal_saya_then_proyek_saya(walk):
    for size in WIDTHS:
        page = walk(walk.logins[roles.PARTICIPANT], *size)
        menu(page, "Jadwal saya")
        assert_within_width(page, page.locator("#now"))
        assert_within_width(page, page.locator("#my-phases tbody tr").first)
        menu(page, "Proyek saya")
        assert_within_width(page, page.locator("#project-title"))
        assert_within_width(page, page.locator("#project-state"))


def administrator_documents_and_audit_log(walk):
    for size in WIDTHS:
        page = walk("admin", *size)
        menu(page, "Dokumen")
        audit = page.get_by_role("link", name="Log audit")
        assert_within_width(page, audit)
        audit.click()
        assert_within_width(page, page.get_by_role("heading", name="Log audit"))
        assert_within_width(page, page.get_by_role("link", name="XLSX"))


def test_every_role_walks_its_main_task(walk):
    """The five walks on one load of the demo (each load takes tens of seconds in a browser
    test, whose database is emptied after every test). The widyaiswara's walk approves a
    design, so it goes last: the others see the demo as loaded."""
    staff_open_a_cohort_its_roster_and_gradebook(walk)
    mentor_opens_a_mentee_project(walk)
    participant_jadwal_saya_then_proyek_saya(walk)
    administrator_documents_and_audit_log(walk)
    widyaiswara_queue_to_a_design_and_approve_it(walk)
