import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from .workers import CeleryWorker

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Waits are for an event (a page element, a worker's log line, a batch's state) and return as
# soon as it happens; the bounds only stop a broken test, so they allow for a loaded machine.
WAIT_SECONDS = 600
BROWSER_TIMEOUT_MS = 120_000

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def s3_bucket(tmp_path_factory):
    """With TEST_S3=moto, every file of the run (this process's and its workers') goes to a
    bucket on a local S3-compatible server, moto's, as production's go to theirs: CI's
    PostgreSQL pass runs so, proving that nodes share nothing but the services. The bucket is
    named to the workers through the environment they inherit (tests/workers.py), and to this
    process by the same settings (config.settings.base.bucket_storage)."""
    mode = os.environ.get("TEST_S3", "")
    if not mode:
        yield None
        return
    if mode != "moto":
        pytest.exit(f"TEST_S3={mode}: only 'moto' is known", returncode=4)
    import boto3

    from config.settings.base import bucket_storage

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [server, "-H", "127.0.0.1", "-p", str(port)], stdout=output, stderr=subprocess.STDOUT
        )
    bucket = {
        "AWS_STORAGE_BUCKET_NAME": "angkatan-test",
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "angkatan-test",
        "AWS_SECRET_ACCESS_KEY": "angkatan-test",
    }
    try:
        os.environ.update(bucket)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="angkatan-test",
            aws_secret_access_key="angkatan-test",
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=bucket["AWS_STORAGE_BUCKET_NAME"])
                break
            except Exception:  # not listening yet
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.exit(f"moto_server did not start:\n{log.read_text()}", returncode=4)
                time.sleep(0.1)
        with override_settings(STORAGES={**settings.STORAGES, "default": bucket_storage()}):
            yield bucket
    finally:
        for name in bucket:
            os.environ.pop(name, None)
        process.kill()
        process.wait()


# One Chromium per module, not per run: Playwright's sync API marks an asyncio loop as running
# in the test thread while it is started, and code run later in that thread that calls
# asyncio.run() (pyHanko's signature validation) would fail in every module after the first
# browser test.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} tidak ada: jalankan .ci/system-packages test"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's own assertions wait 5 seconds by default, independent of the page's timeout.
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module that asks for it (it takes tens of seconds).

    It is loaded in a transaction that stays open while the module's tests run and is rolled
    back after the last one, so no other module sees it. Tests ask for `demo`, not this.
    """
    from demo.loaders import demo_data_load

    loaded = transaction.atomic()
    with django_db_blocker.unblock():
        loaded.__enter__()
        try:
            result = demo_data_load()
        except BaseException as error:
            loaded.__exit__(type(error), error, error.__traceback__)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            loaded.__exit__(None, None, None)


@pytest.fixture
def demo(demo_loaded, db):
    """The demo data (what `demo_data_load()` returned), shared by the tests of a module.

    Each test runs in a savepoint inside the module's demo transaction (`db`), so what it
    changes is rolled back before the next test sees the demo. Put the tests that use it in as
    few modules as possible: each module loads the demo once. Not for transactional tests
    (`transactional_db`, `live_server`, `celery_worker`), which load the demo themselves.
    """
    return demo_loaded


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


def wait_for(predicate, timeout=WAIT_SECONDS, interval=0.3, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")
