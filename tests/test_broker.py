"""The broker: the embedded filesystem transport (config.broker) never hands a worker a
half-written message, and `manage.py broker_check` drives thousands of jobs through a real
worker on the configured broker (the filesystem by default, Redis when CELERY_BROKER_URL says
so) under CPU load, each run exactly once."""

import logging
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from kombu import Connection

from config.broker import Transport
from config.settings.base import filesystem_broker_options
from documents import broker_check as check

from .conftest import wait_for
from .workers import CeleryWorker, process_environment


@pytest.fixture
def broker(tmp_path):
    """The embedded broker's transport on a folder of its own, as a producer and a worker."""
    with Connection(
        "filesystem://",
        transport=Transport,
        transport_options=filesystem_broker_options(tmp_path / "broker"),
    ) as connection:
        # A queue of its own: kombu remembers bindings per process, not per folder.
        queue = connection.SimpleQueue(f"checks-{uuid.uuid4().hex}")
        yield queue, tmp_path / "broker"
        queue.close()


def message_files(folder):
    return sorted(path.name for path in (folder / "queue").iterdir())


def test_a_half_written_message_waits_and_is_delivered_once_complete(broker):
    queue, folder = broker
    queue.put({"number": 7})
    (name,) = message_files(folder)
    path = folder / "queue" / name
    whole = path.read_bytes()

    # As a producer writing in place leaves it: the file exists, empty, then half written.
    for part in (b"", whole[: len(whole) // 2]):
        path.write_bytes(part)
        with pytest.raises(queue.Empty):
            queue.get(block=False)
        assert message_files(folder) == [name]  # left for the next poll, not taken

    path.write_bytes(whole)
    message = queue.get(block=False)
    assert message.payload == {"number": 7}
    message.ack()
    with pytest.raises(queue.Empty):
        queue.get(block=False)
    assert message_files(folder) == []


def test_a_message_being_written_is_invisible_until_complete(broker):
    queue, folder = broker
    queue.put({"number": 1})
    (name,) = message_files(folder)
    # A producer of this transport writes under a temporary name, then renames the file.
    (folder / "queue" / name).rename(folder / "queue" / f"{name}.part")
    assert queue.qsize() == 0
    with pytest.raises(queue.Empty):
        queue.get(block=False)
    (folder / "queue" / f"{name}.part").rename(folder / "queue" / name)
    message = queue.get(block=False)
    assert message.payload == {"number": 1}
    message.ack()


def test_a_damaged_message_is_set_aside_without_stopping_the_queue(broker, caplog):
    queue, folder = broker
    queue.put({"number": 1})
    (damaged,) = message_files(folder)
    queue.put({"number": 2})
    (folder / "queue" / damaged).write_bytes(b'{"body": "cut sh')

    # Still undecodable after a while: not a message being written, a damaged one.
    old = time.time() - 120
    os.utime(folder / "queue" / damaged, (old, old))
    with caplog.at_level(logging.ERROR, logger="config.broker"):
        message = queue.get(block=False)
        assert message.payload == {"number": 2}
        message.ack()
        with pytest.raises(queue.Empty):
            queue.get(block=False)
    assert [path.name for path in (folder / "damaged").iterdir()] == [damaged]
    assert message_files(folder) == []
    assert f"broker message {damaged} still does not decode" in caplog.text


def test_the_check_counts_what_ran_lost_and_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    check_id = "0" * 32
    for number in (0, 1, 1, 3):
        check.broker_check_record(check_id=check_id, number=number)
    counts = check.broker_check_counts(check_id=check_id)
    result = check.CheckResult(sent=4, counts=counts, seconds=1.0)
    assert (result.executed, result.lost, result.duplicates, result.sound) == (3, 1, 1, False)


def test_the_check_reports_the_jobs_no_worker_ran(settings, tmp_path):
    from config.celery_app import app

    settings.MEDIA_ROOT = tmp_path
    try:
        with pytest.raises(CommandError, match=r"Broker bermasalah: dari 3 pekerjaan, 3 hilang"):
            call_command("broker_check", messages=3, timeout=1)
    finally:
        app.control.purge()  # the worker of the test below must not find them


def test_the_check_refuses_more_producers_than_connections():
    with pytest.raises(CommandError, match="Jumlah pengirim harus antara 1 dan 10"):
        call_command("broker_check", messages=1, producers=11)


# The stress test: several processes, each sending from several threads at once, while every
# CPU is kept busy, to one worker process that takes one job at a time.
PRODUCERS = 3
THREADS_EACH = 2
MESSAGES_EACH = 1000
BOUND_SECONDS = 300  # stops a broken run; a sound one takes well under a minute
JOB = "documents.tasks.broker_check_job"


def _busy_loops():
    return [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
        for _ in range(os.cpu_count() or 2)
    ]


@pytest.mark.worker
def test_thousands_of_jobs_under_load_each_run_exactly_once(tmp_path):
    # The pool's child is replaced every 50 jobs in production (memory); that pause, not the
    # broker, would set the pace of 3,000 two-millisecond jobs, so here it is every 1,000.
    # The check's 3,000 record files go to a media folder even when the run's files are in a
    # bucket (TEST_S3): this measures the broker, not the local S3 stand-in, which would set
    # the pace (and tests/test_scale_out.py proves the bucket).
    media = tmp_path / "media"
    worker = CeleryWorker(
        tmp_path / "worker.log", settings.SITE_URL, max_tasks_per_child=1000, media_root=media
    )
    load = []
    producers = []
    try:
        worker.wait_ready()
        load = _busy_loops()
        started = time.monotonic()
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py"), "broker_check"]
        for _ in range(PRODUCERS):
            options = [f"--messages={MESSAGES_EACH}", f"--producers={THREADS_EACH}"]
            producers.append(
                subprocess.Popen(
                    [*manage, *options, f"--timeout={BOUND_SECONDS}"],
                    env=process_environment(media_root=media),
                    cwd=settings.BASE_DIR,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        # Until every command has its answer, or the worker has died (then they would wait on).
        wait_for(
            lambda: (
                worker.process.poll() is not None or all(p.poll() is not None for p in producers)
            ),
            timeout=BOUND_SECONDS + 60,
            interval=0.2,
            message="the broker checks",
        )
        seconds = time.monotonic() - started
        alive = worker.process.poll() is None
    finally:
        for process in [*load, *producers]:
            if process.poll() is None:
                process.kill()
        outputs = [process.communicate()[0] for process in producers]
        for process in load:
            process.wait()
        worker.stop()

    log = worker.output()
    received = Counter(re.findall(rf"Task {JOB}\[([0-9a-f-]+)\] received", log))
    succeeded = Counter(re.findall(rf"Task {JOB}\[([0-9a-f-]+)\] succeeded", log))
    total = PRODUCERS * MESSAGES_EACH
    # The figures, for `pytest -s` and for a failure.
    print(
        f"broker {settings.CELERY_BROKER_URL}: {total} jobs from {PRODUCERS} processes x "
        f"{THREADS_EACH} threads under {len(load)} busy loops in {seconds:.1f} s; "
        f"run {sum(succeeded.values())} ({len(succeeded)} distinct), "
        f"lost {total - len(succeeded)}, "
        f"duplicates {sum(succeeded.values()) - len(succeeded)}, worker alive {alive}"
    )
    assert alive, log[-3000:]
    assert "Unrecoverable error" not in log
    for process, output in zip(producers, outputs, strict=True):
        assert process.returncode == 0, output
        assert f"Broker sehat: {MESSAGES_EACH} pekerjaan dikirim" in output
        assert "(0 hilang, 0 ganda)" in output
    # The worker's own log agrees: every message taken once and run once, none twice.
    assert len(received) == len(succeeded) == total
    assert set(received.values()) == set(succeeded.values()) == {1}
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        # Nothing left waiting, half-claimed or set aside.
        folder = Path(settings.CELERY_BROKER_FILESYSTEM_DIR)
        assert [list((folder / sub).iterdir()) for sub in ("queue", "claimed", "damaged")] == [
            [],
            [],
            [],
        ]
