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

# In a worker started with CeleryWorker(slow_render=True): the first time it renders
# certificates (inside the job, so with the job's heartbeat beating), it touches a file to say
# so and waits until the test touches another: a rendering as slow as the test needs. The value
# is "path of the first:path of the second".
SLOW_RENDER_ENV = "ANGKATAN_TEST_SLOW_RENDER"


def _render_slow(sender=None, **kwargs):
    from documents import batches

    render = batches.certificates_render_many
    if getattr(render, "slowed", False):
        return
    started, release = (Path(p) for p in os.environ[SLOW_RENDER_ENV].split(":", 1))

    def slowed(certificates):
        if not started.exists():
            started.touch()
            deadline = time.monotonic() + 600
            while not release.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        return render(certificates)

    slowed.slowed = True
    batches.certificates_render_many = slowed


if os.environ.get(SLOW_RENDER_ENV):
    task_prerun.connect(_render_slow)


BUCKET_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def process_environment(site_url=None, media_root=None):
    """The environment of a process that shares this test run's database, media folder (or
    bucket, named by the AWS_* variables it inherits), broker and queue: a worker, or a
    `manage.py` command the test runs. With `media_root`, its files go to that folder, even
    when the run's files are in a bucket."""
    env = os.environ.copy()
    if media_root:
        for name in BUCKET_VARIABLES:
            env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        ANGKATAN_USE_TEST_DATABASE="1",
        MEDIA_ROOT=str(media_root or settings.MEDIA_ROOT),
        CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        SITE_URL=site_url or settings.SITE_URL,
        PYTHONUNBUFFERED="1",
    )
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        env["CELERY_BROKER_FILESYSTEM_DIR"] = str(settings.CELERY_BROKER_FILESYSTEM_DIR)
    return env


class CeleryWorker:
    """A real `celery worker` process on the configured broker and the test database."""

    def __init__(
        self,
        log_path,
        site_url,
        name="test",
        hold_chunk=None,
        slow_render=False,
        max_tasks_per_child=None,
        node=None,
        media_root=None,
    ):
        """`node`: a folder that stands for a machine of its own. The worker runs in it, with
        its temporary files, home and caches there and nowhere else; it shares with the
        others only the database, the broker and the default storage (a bucket, or the media
        folder of the embedded default)."""
        self.log_path = log_path
        self.hold_marker = Path(log_path).with_suffix(".holding")
        self.render_marker = Path(log_path).with_suffix(".rendering")
        self.release_marker = Path(log_path).with_suffix(".release")
        env = process_environment(site_url, media_root)
        hooks = []
        if hold_chunk:
            env[HOLD_CHUNK_ENV] = f"{hold_chunk}:{self.hold_marker}"
        if slow_render:
            env[SLOW_RENDER_ENV] = f"{self.render_marker}:{self.release_marker}"
        if hold_chunk or slow_render:
            hooks = ["--include", "tests.workers"]
        cwd = settings.BASE_DIR
        if node:
            cwd = Path(node)
            local = {name: cwd / name for name in ("tmp", "home", "cache")}
            for folder in local.values():
                folder.mkdir(parents=True, exist_ok=True)
            env.update(
                TMPDIR=str(local["tmp"]),
                HOME=str(local["home"]),
                XDG_CACHE_HOME=str(local["cache"]),
                # The code is installed on every node; here it is this checkout's.
                PYTHONPATH=str(settings.BASE_DIR),
            )
            if env.get("AWS_STORAGE_BUCKET_NAME"):
                # Files go to the bucket: a media folder of the node's own, where a file
                # written by mistake would be found, not shared.
                env["MEDIA_ROOT"] = str(cwd / "media")
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
                *hooks,
                *([f"--max-tasks-per-child={max_tasks_per_child}"] if max_tasks_per_child else []),
            ],  # fmt: skip
            cwd=cwd,
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

    def rendering(self):
        """Whether this worker (slow_render) has begun its slow rendering."""
        return self.render_marker.exists()

    def release(self):
        """Let the slow rendering (slow_render) go on."""
        self.release_marker.touch()

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
        # The test is over and has checked what it needed: a warm shutdown (seconds, waiting for
        # the pool) would prove nothing more. Each test run has its own queue, so nothing is
        # left for another run.
        self.kill()
        self.log.close()
