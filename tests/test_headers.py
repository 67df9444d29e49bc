"""Security headers (issue 13): a Content-Security-Policy without inline script on every page,
templates that need none, and a Permissions-Policy; in a real browser, no page breaks the
policy and the behaviour moved out of the templates still works."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cohorts.services import phase_days
from config import roles
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch
from participants.models import Attendance
from participants.services import participant_account_ensure

from .e2e.test_certificate_path import log_in
from .factories import (
    PASSWORD,
    CohortFactory,
    UserFactory,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)

REFUSED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def directives(header):
    """A Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_headers(response, url):
    assert "Content-Security-Policy" in response, url
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"], url
    assert policy["script-src"] == ["'self'"], url
    assert "script-src-attr" not in policy and "script-src-elem" not in policy, url
    assert policy["style-src-elem"] == ["'self'"], url
    assert policy["style-src-attr"] == ["'unsafe-inline'"], url
    assert policy["img-src"] == ["'self'", "data:"], url
    assert policy["object-src"] == ["'none'"], url
    assert policy["frame-ancestors"] == ["'none'"], url
    assert policy["base-uri"] == ["'self'"], url
    assert policy["form-action"] == ["'self'"], url
    assert policy["connect-src"] == ["'self'"], url
    permissions = response["Permissions-Policy"].split(", ")
    for feature in REFUSED_FEATURES:
        assert f"{feature}=()" in permissions, (url, feature)


@pytest.fixture
def world(db):
    cohort = CohortFactory()
    enrolment = enrol(cohort, coach=widyaiswara_user())
    project_scored(enrolment, Decimal("85"))
    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    participant_user = participant_account_ensure(
        participant=enrolment.participant, password=PASSWORD
    )
    return {"cohort": cohort, "batch": batch, "participant_user": participant_user}


def attendance_url(cohort):
    phase = cohort.phases.get(kind="classical")
    return reverse("participants:attendance", args=[cohort.pk, phase.pk, phase_days(phase)[0]])


def test_every_kind_of_page_sends_the_policies(client, world):
    cohort = world["cohort"]
    certificate = Certificate.objects.get()
    anonymous = [
        reverse("login"),
        reverse("verify_lookup"),
        reverse("verify", args=[certificate.verification_id]),
        "/tidak-ada/",  # a 404
        static("css/angkatan.css"),
    ]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_headers(response, url)

    client.force_login(staff_user())
    for url in [
        reverse("cohorts:cohort_list"),
        reverse("cohorts:cohort_schedule", args=[cohort.pk]),
        attendance_url(cohort),
        reverse("documents:batch_detail", args=[world["batch"].pk]),
        reverse("documents:batch_status", args=[world["batch"].pk]),  # JSON
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response, url)

    client.force_login(UserFactory(role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    for url in [
        reverse("admin:index"),
        reverse("admin:cohorts_cohort_changelist"),
        reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response, url)

    client.force_login(world["participant_user"])
    for url in [
        reverse("participants:my_schedule"),
        reverse("projects:my_project"),  # redirects to the project's page
        reverse("projects:my_training"),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_headers(response, url)
        # Participant pages stay light (on a phone, on a slow connection).
        assert len(response.content) < 60_000, url


def test_a_redirect_and_a_refused_post_send_the_policies(client, db):
    response = client.get(reverse("cohorts:cohort_list"))
    assert response.status_code == 302
    assert_headers(response, "redirect to login")
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert response.status_code == 403
    assert_headers(response, "CSRF failure")


# Templates rendered by browsers: the PDF templates are rendered by WeasyPrint, which runs no
# script and needs its <style> blocks.
BROWSER_TEMPLATES = [
    path
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    if not (path.name.endswith("_pdf.html") or path.name == "pdf_base.html")
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
SCRIPT_WITH_BODY = re.compile(r"<script\b[^>]*>(?!</script>)", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=\s*\"([^\"]*)\"", re.IGNORECASE)


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/angkatan.js" defer></script>')
    assert SCRIPT_WITH_BODY.search('<script src="x.js">alert(1)</script>')
    assert EVENT_HANDLER.search('<select id="language"\n  onchange="this.form.submit()">')
    assert EVENT_HANDLER.search("<input ONCLICK='this.select()'>")
    assert not EVENT_HANDLER.search('<input data-select-on-click value="x">')


@pytest.mark.parametrize("path", BROWSER_TEMPLATES, ids=lambda p: str(p.name))
def test_no_template_has_inline_script_or_styles(path):
    text = Path(path).read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not SCRIPT_WITH_BODY.search(text), "a <script> with a body"
    assert not EVENT_HANDLER.search(text), "an inline event handler"
    assert not JAVASCRIPT_URL.search(text), "a javascript: URL"
    # style-src-elem 'self' refuses <style> elements.
    assert not STYLE_ELEMENT.search(text), "a <style> element"
    # Style attributes only for values computed per page; fixed ones are classes.
    for value in STYLE_ATTRIBUTE.findall(text):
        assert "{{" in value, f"a fixed style attribute: {value}"


def test_the_template_scan_covers_the_pages_that_had_inline_script():
    names = {
        path.relative_to(settings.BASE_DIR / "templates").as_posix() for path in BROWSER_TEMPLATES
    }
    assert {
        "base.html",
        "participants/attendance_form.html",
        "participants/my_schedule.html",
        "cohorts/cohort_schedule.html",
    } <= names
    assert "documents/pdf_base.html" not in names


# In a browser. Chromium reports every refusal of the policy on the console ("Refused to ...
# because it violates the following Content Security Policy directive") and as a
# securitypolicyviolation event, which a script added before the page's own records.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const { violatedDirective, blockedURI, sourceFile, lineNumber } = event;
  window.__violations.push(`${violatedDirective} ${blockedURI} ${sourceFile}:${lineNumber}`);
});
"""


class Violations:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        # A script or style sheet that failed to load would break a page as surely.
        page.on("response", self._response)

    def _console(self, message):
        text = message.text
        if any(words in text for words in ("Content Security Policy", "Permissions-Policy")):
            self.console.append(f"{message.type}: {text}")

    def _response(self, response):
        if response.status >= 400:
            self.console.append(f"{response.status} {response.url}")

    def of_this_page(self):
        return self.page.evaluate("window.__violations")

    def assert_none(self, where):
        assert self.of_this_page() == [], where
        assert self.console == [], where


def visit(page, violations, url):
    page.goto(url)
    violations.assert_none(url)


@pytest.mark.browser
def test_pages_keep_the_policy_and_their_behaviour_in_a_browser(page, browser, live_server):
    cohort = CohortFactory()
    enrolments = [enrol(cohort) for _ in range(3)]
    participant_user = participant_account_ensure(
        participant=enrolments[0].participant, password=PASSWORD
    )
    running = CertificateBatch.objects.create(cohort=cohort, status=CertificateBatch.Status.RUNNING)
    staff = staff_user(username="staf")
    admin = UserFactory(username="adm", role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True)
    url = live_server.url
    violations = Violations(page)

    # The login page, then staff pages: the timeline's computed widths (style attributes).
    visit(page, violations, f"{url}/masuk/")
    log_in(page, url, staff.username)
    expect(page.get_by_role("link", name="Buat angkatan")).to_be_visible()
    violations.assert_none("cohort list")
    visit(page, violations, f"{url}{reverse('cohorts:cohort_schedule', args=[cohort.pk])}")
    # A refused style attribute would leave the bar without its computed width.
    bar = page.locator(".timeline-bar").first
    assert bar.evaluate("(el) => el.style.width").endswith("%")
    # The calendar address is selected whole on a click.
    feed = page.locator("#cohort-feed")
    feed.click()
    assert feed.evaluate("(el) => [el.selectionStart, el.selectionEnd]") == [
        0,
        len(feed.input_value()),
    ]

    # The language switch sends its form when a language is picked.
    page.locator("#language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language")).to_have_value("en")
    page.locator("#language").select_option("id")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    violations.assert_none("language switch")

    # Attendance: the button marks the rows left empty "hadir" and leaves chosen ones.
    visit(page, violations, f"{url}{attendance_url(cohort)}")
    page.get_by_label(enrolments[1].participant.name).get_by_text("Izin").click()
    page.get_by_role("button", name="Tandai yang kosong: hadir").click()
    for index, status in enumerate(["hadir", "izin", "hadir"]):
        row = page.get_by_label(enrolments[index].participant.name)
        expect(row.locator(f"input[value={status}]")).to_be_checked()
    page.get_by_role("button", name="Simpan presensi").click()
    expect(page.get_by_role("alert")).to_contain_text("disimpan")
    assert sorted(Attendance.objects.values_list("status", flat=True)) == ["hadir", "hadir", "izin"]
    violations.assert_none("attendance saved")

    # A running batch's page polls its status (connect-src) and draws its progress bar.
    status_url = f"{url}{reverse('documents:batch_status', args=[running.pk])}"
    with page.expect_response(status_url) as polled:
        visit(page, violations, f"{url}{reverse('documents:batch_detail', args=[running.pk])}")
    assert polled.value.ok
    violations.assert_none("batch polling")

    # The admin site, with its own scripts (the user form's two-list group selector).
    page.context.clear_cookies()
    log_in(page, url, admin.username)
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    for admin_url in [
        reverse("admin:index"),
        reverse("admin:cohorts_cohort_changelist"),
        reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
        reverse("admin:auth_user_change", args=[staff.pk]),
    ]:
        visit(page, violations, f"{url}{admin_url}")
    expect(page.locator("#id_groups_from")).to_be_visible()  # built by SelectFilter2.js

    # A participant's own page: the timeline and the private calendar address.
    page.context.clear_cookies()
    log_in(page, url, participant_user.username)
    expect(page.get_by_role("heading", name="Jadwal saya")).to_be_visible()
    violations.assert_none("jadwal saya")
    page.locator("#my-feed").click()
    assert page.locator("#my-feed").evaluate("(el) => el.selectionEnd - el.selectionStart") > 0

    # The policy is enforced and its refusals are seen: an inline script added now is refused.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran") is None
    assert "script-src" in page.evaluate("window.__violations")[0]
    for _ in range(100):
        if any("Content Security Policy" in message for message in violations.console):
            break
        page.wait_for_timeout(50)
    assert any("Content Security Policy" in message for message in violations.console)
