"""A real Celery worker process for tests and the benchmark."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings


class CeleryWorker:
    """A real `celery worker` process on the configured broker and the test database."""

    def __init__(self, log_path, site_url, name="test"):
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
                f"--hostname={name}-{os.getpid()}@%h",
            ],  # fmt: skip
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() takes the pool too
        )

    def output(self):
        return Path(self.log_path).read_text()

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
