"""A real Celery worker process for tests and the benchmark."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from celery.signals import task_prerun
from django.conf import settings

# In a worker started with CeleryWorker(hold_chunk=N), which imports this module: its Nth
# certificate chunk job waits, its message received and not acknowledged, until the worker is
# killed, after touching a file to say so. The value is "N:path of that file".
HOLD_CHUNK_ENV = "ANGKATAN_TEST_HOLD_CHUNK"
_chunks_started = 0


def _chunk_hold(sender=None, **kwargs):
    global _chunks_started
    if getattr(sender, "name", None) != "documents.tasks.certificates_chunk_job":
        return
    number, marker = os.environ[HOLD_CHUNK_ENV].split(":", 1)
    _chunks_started += 1
    if _chunks_started == int(number):
        Path(marker).touch()
        threading.Event().wait()  # never set: the test kills the worker


if os.environ.get(HOLD_CHUNK_ENV):
    task_prerun.connect(_chunk_hold)


class CeleryWorker:
    """A real `celery worker` process on the configured broker and the test database."""

    def __init__(self, log_path, site_url, name="test", hold_chunk=None):
        self.log_path = log_path
        self.hold_marker = Path(log_path).with_suffix(".holding")
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
        hold = []
        if hold_chunk:
            env[HOLD_CHUNK_ENV] = f"{hold_chunk}:{self.hold_marker}"
            hold = ["--include", "tests.workers"]
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
                f"--hostname={name}-{os.getpid()}@%h",
                *hold,
            ],  # fmt: skip
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() takes the pool too
        )

    def output(self):
        return Path(self.log_path).read_text()

    def holding(self):
        """Whether the chunk job this worker was told to hold (hold_chunk) has started."""
        return self.hold_marker.exists()

    def wait_ready(self, timeout=600):
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
