"""Light pages: a participant's pages (*Jadwal saya*, *Proyek saya*, *Pelatihan & sertifikat*)
and the public verification page weigh under 60 KB transferred on a first visit with an empty
cache, measured in Chromium on a server that handles static files as production does
(collectstatic with WhiteNoise's compressed, hashed files; WhiteNoise serving them)."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.urls import reverse

from config import roles
from demo.loaders import DEMO_PASSWORD, demo_data_load
from documents.issuing import certificate_ensure
from participants.models import Enrolment
from projects.catalogue import catalogue_publish
from projects.follow_up import follow_up_rounds_open

from ..conftest import BROWSER_TIMEOUT_MS
from ..factories import CohortFactory
from ..projects.test_follow_up import followed_project, mentor_with_login
from .browsing import log_in

pytestmark = pytest.mark.browser

LIMIT_BYTES = 60 * 1024


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    """Static files collected and compressed as production's settings do, and served by
    WhiteNoise alone (no finders), for the tests of this module."""
    production = override_settings(
        STATIC_ROOT=str(tmp_path_factory.mktemp("staticfiles")),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )
    production.enable()
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        yield
    finally:
        production.disable()


@pytest.fixture
def production_server(production_static, transactional_db):
    """A test server without the static files handler pytest-django's live_server puts in
    front of the site: static files go through the middleware, WhiteNoise, as in production."""
    server = LiveServerThread("localhost", static_handler=lambda application: application)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://localhost:{server.port}"
    finally:
        server.terminate()


def first_visit_bytes(browser, url, storage_state=None):
    """Bytes transferred (headers and bodies as sent, compressed) to load `url` in a new
    browser profile: no cache, only the session cookie if one is given."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, storage_state=storage_state
    )
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    received = {}
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, (url, response.status)
    context.close()
    return sum(received.values()), requested


def test_participant_and_verification_pages_weigh_under_60_kb(browser, production_server):
    demo = demo_data_load()
    participant = next(username for role, username, _ in demo.logins if role == roles.PARTICIPANT)
    passed = Enrolment.objects.filter(status=Enrolment.Status.PASSED).order_by("pk").first()
    certificate = passed.certificate if hasattr(passed, "certificate") else None
    certificate = certificate or certificate_ensure(enrolment=passed)

    # Logged in once; each page is then opened in a fresh profile holding only the cookies.
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{production_server}/masuk/")
    page.locator("#id_username").fill(participant)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/masuk/" not in url)
    session = context.storage_state()
    context.close()

    weights = {}
    for path, state in [
        (reverse("participants:my_schedule"), session),
        (reverse("projects:my_project"), session),
        (reverse("projects:my_training"), session),
        (reverse("participants:my_evaluations"), session),
        (reverse("participants:notification_preferences"), session),
        (certificate.get_verification_path(), None),
    ]:
        weight, requested = first_visit_bytes(browser, production_server + path, state)
        weights[path] = (weight, requested)
        # Compressed static files were served, not the uncompressed ones from the apps.
        assert any(".css" in url for url in requested)
    heavy = {path: weight for path, (weight, _) in weights.items() if weight >= LIMIT_BYTES}
    assert not heavy, {path: (weight, requested) for path, (weight, requested) in weights.items()}


# Issue 18's public catalogue and the participant's follow-up pages, in this module so that the
# static files are collected once for every measure.
def test_the_catalogue_and_the_participant_pages_weigh_under_60_kb(
    browser,
    production_server,
):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    mentor = mentor_with_login(920, "Drs. Atasan, M.Si.")
    uids = []
    projects = []
    for n in range(20):
        project = followed_project(cohort, mentor, theme=["Stunting", "Gizi buruk"][n % 2])
        projects.append(project)
        publication = catalogue_publish(
            project=project,
            data={
                "region": f"Kota {n % 4}",
                "summary": "Kelas ibu hamil setiap pekan di puskesmas. " * 8,
                "results": "Balita berisiko turun. " * 10,
                "show_summary": True,
                "show_results": True,
                "show_name": True,
            },
        )
        uids.append(publication.uid)
    follow_up_rounds_open(today=date(2024, 1, 1))
    owner = projects[0].enrolment.participant.user
    round_ = projects[0].follow_up_rounds.get(months=12)

    # Logged in once; each page is then opened in a fresh profile holding only the cookies.
    context = browser.new_context()
    page = context.new_page()
    log_in(page, production_server, owner.username)
    session = context.storage_state()
    context.close()

    heavy = {}
    for path, state in (
        (reverse("projects:catalogue"), None),
        (reverse("projects:catalogue_entry", args=[uids[0]]), None),
        (reverse("projects:follow_up_mine"), session),
        (reverse("projects:follow_up_round", args=[round_.pk]), session),
    ):
        weight, _requested = first_visit_bytes(browser, production_server + path, state)
        if weight >= LIMIT_BYTES:
            heavy[path] = weight
    assert not heavy
