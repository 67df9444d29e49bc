"""The broker check (`manage.py broker_check`): small jobs sent through the broker to the
running workers, each reporting back once it ran, so an operator sees whether the broker loses
or repeats messages (docs/decisions.md, "The embedded broker").

A job reports by leaving a file named after its check and its number in the default storage,
which the workers and the command share on every deployment (the media folder, or the bucket in
production). Every number once: the broker is sound. A number missing: a message lost. A number
twice: a message run twice.
"""

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

FOLDER = "broker-check"
ERROR_PRODUCERS = _("Jumlah pengirim harus antara 1 dan %(limit)s.")
# The producers share Celery's pool of broker connections (broker_pool_limit, 10).
PRODUCERS_LIMIT = 10


@dataclass
class CheckResult:
    sent: int
    counts: Counter  # number → how many times its job ran
    seconds: float

    @property
    def executed(self):
        return len(self.counts)

    @property
    def lost(self):
        return self.sent - self.executed

    @property
    def duplicates(self):
        return sum(count - 1 for count in self.counts.values())

    @property
    def sound(self):
        return self.lost == 0 and self.duplicates == 0


def _folder(check_id):
    return f"{FOLDER}/{uuid.UUID(check_id).hex}"


def broker_check_record(*, check_id, number):
    """The check job's work: leave one file for this run of message `number`. A second run of
    the same message leaves a second file, never overwrites the first."""
    name = f"{_folder(check_id)}/{int(number)}_{uuid.uuid4().hex}"
    default_storage.save(name, ContentFile(b""))


def broker_check_counts(*, check_id):
    """How many times each number's job has run so far."""
    try:
        _dirs, files = default_storage.listdir(_folder(check_id))
    except FileNotFoundError:
        return Counter()
    return Counter(int(name.partition("_")[0]) for name in files)


def _files_delete(check_id):
    folder = _folder(check_id)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")


def broker_check(*, messages, producers=1, timeout=300, progress=None, poll_interval=0.5):
    """Send `messages` check jobs from `producers` threads at once, wait until every one has
    run or `timeout` seconds have passed, and say what came back. `progress(sent, counts,
    seconds)` is called while waiting. The files are removed afterwards."""
    from .tasks import broker_check_job

    if not 1 <= producers <= PRODUCERS_LIMIT:
        raise ValueError(ERROR_PRODUCERS % {"limit": PRODUCERS_LIMIT})
    check_id = uuid.uuid4().hex
    started = time.monotonic()
    sent = [0] * producers
    failures = []

    def send(index):
        try:
            for number in range(index, messages, producers):
                broker_check_job.delay(check_id, number)
                sent[index] += 1
        except Exception as error:  # the broker refused: what was sent is still checked
            failures.append(error)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(producers)]
    for thread in threads:
        thread.start()
    try:
        deadline = started + timeout
        while True:
            alive = any(thread.is_alive() for thread in threads)
            counts = broker_check_counts(check_id=check_id)
            seconds = time.monotonic() - started
            if progress:
                progress(sum(sent), counts, seconds)
            if not alive and len(counts) >= sum(sent) or time.monotonic() >= deadline:
                break
            time.sleep(poll_interval)
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        return CheckResult(sent=sum(sent), counts=counts, seconds=seconds)
    finally:
        _files_delete(check_id)
