import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} tidak ada: jalankan .ci/system-packages test"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


class CeleryWorker:
    """A real `celery worker` process on the configured broker and the test database."""

    def __init__(self, log_path, site_url):
        self.log_path = log_path
        env = os.environ.copy()
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            ANGKATAN_USE_TEST_DATABASE="1",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
            SITE_URL=site_url,
            PYTHONUNBUFFERED="1",
        )
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            env["CELERY_BROKER_FILESYSTEM_DIR"] = str(settings.CELERY_BROKER_FILESYSTEM_DIR)
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        celery = shutil.which("celery", path=str(Path(sys.executable).parent))
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "worker",
                "--loglevel=info",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=test-{os.getpid()}@%h",
            ],  # fmt: skip
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() takes the pool too
        )

    def output(self):
        return Path(self.log_path).read_text()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"Celery worker did not start:\n{self.output()}")

    def kill(self):
        """Die as a machine losing power would: no warm shutdown, no acknowledgements."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is not None:
            self.log.close()
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def worker_site_url():
    return settings.SITE_URL


@pytest.fixture
def celery_worker(transactional_db, tmp_path, worker_site_url):
    worker = CeleryWorker(tmp_path / "worker.log", worker_site_url)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def wait_for(predicate, timeout=120, interval=0.3, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")
