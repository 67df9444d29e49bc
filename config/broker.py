"""The embedded broker: kombu's filesystem transport, made safe for a worker polling while
producers write (docs/decisions.md, "The embedded broker").

kombu's producer creates a message file under its final name and only then writes it, and its
consumer takes and decodes any file with the queue's name. A worker that looks at the wrong
moment reads an empty or half-written file: JSONDecodeError, "Unrecoverable error", the worker
stops and the message is gone (kombu issue 1551). Here:

- a producer writes the message under a temporary name that no consumer looks at, flushes it
  to disk and renames it to its final name; a rename is atomic on POSIX, so a consumer sees the
  whole message or nothing;
- a consumer claims a message by renaming it into the claimed folder before reading it: one
  rename wins, so two workers never both run it;
- a file that does not decode (written in place by a producer without this transport, or
  damaged) goes back to wait for the next poll; once it has not changed for
  `damaged_after` seconds it moves to the damaged folder with an error in the log. Nothing
  reaches the worker as an exception.

A worker that takes one message at a time (prefetch 1, acknowledged late) also goes for the next
as soon as it acknowledges the last, instead of at its next poll: without that it ran at most
one job per polling interval (0.1 s).

Selected by CELERY_BROKER_TRANSPORT when CELERY_BROKER_URL is filesystem:// (settings).
"""

import logging
import os
import threading
import time
import uuid
from pathlib import Path
from queue import Empty

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property

logger = logging.getLogger(__name__)

# kombu's consumers take "<time>_<id>.<queue>.msg" only, so a name ending in ".part" is invisible
# to them (and to the queue's size and purge) until it is renamed.
PARTIAL_SUFFIX = ".part"
# A message file still undecodable this long after its last write is damaged, not late.
DAMAGED_AFTER_SECONDS = 60


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.acknowledged = threading.Event()

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple)
        self.acknowledged.set()  # called by the worker's pool thread when a job is done

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue)
        self.acknowledged.set()

    def drain_events(self, timeout=None, callback=None):
        # Every message it may hold is still running: kombu would say Empty and sleep a whole
        # polling interval. Wait for an acknowledgement for at most that long, then look.
        if self._consumers and not self.qos.can_consume():
            self.acknowledged.wait(self.connection.polling_interval)
        self.acknowledged.clear()
        return super().drain_events(timeout=timeout, callback=callback)

    def _put(self, queue, payload, **kwargs):
        """Write the message whole under a temporary name, then give it its final name."""
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = Path(self.data_folder_out) / name
        partial = final.with_name(name + PARTIAL_SUFFIX)
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
                file.flush()
                os.fsync(file.fileno())  # on disk before it is visible: a power cut loses no job
            os.replace(partial, final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add file {str(final)!r} to directory") from exc

    def _get(self, queue):
        """The oldest complete message of `queue`, claimed by this consumer alone."""
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            waiting = Path(self.data_folder_in) / name
            claimed = self.claimed_folder / name
            try:
                os.rename(waiting, claimed)
            except OSError:  # another consumer was first
                continue
            try:
                message = loads(bytes_to_str(claimed.read_bytes()))
            except ValueError:  # empty, cut short or not JSON
                self._not_ready(claimed, waiting)
                continue
            except OSError as exc:
                raise ChannelError(f"Cannot read file {str(claimed)!r} from queue.") from exc
            if self.store_processed:
                os.replace(claimed, Path(self.processed_folder) / name)
            else:
                claimed.unlink()
            return message
        raise Empty()

    def _not_ready(self, claimed, waiting):
        """Put a message that does not decode back in the queue, or aside once it is old."""
        age = time.time() - claimed.stat().st_mtime
        if age < self.damaged_after:
            os.rename(claimed, waiting)
            return
        os.replace(claimed, self.damaged_folder / claimed.name)
        logger.error(
            "broker message %s still does not decode %d s after it was written; moved to %s",
            claimed.name,
            age,
            self.damaged_folder,
        )

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        # kombu creates a missing routing table in place and locks it only after, so a
        # producer reading it in between reads an empty file and fails to decode it. Put an
        # empty table there whole first (a link never replaces another process's table); kombu
        # then adds the binding under its lock.
        table = self._exchange_file(exchange)
        if not table.exists():
            self.control_folder.mkdir(exist_ok=True)
            partial = table.with_name(f"{table.name}.{uuid.uuid4()}{PARTIAL_SUFFIX}")
            partial.write_bytes(str_to_bytes(dumps([])))
            try:
                os.link(partial, table)
            except FileExistsError:
                pass
            finally:
                partial.unlink()
        super()._queue_bind(exchange, routing_key, pattern, queue)

    def _folder(self, option):
        # By default beside the queue folder, so on the same file system: a rename between
        # them is atomic (across file systems it would be a copy).
        default = Path(self.data_folder_in).parent / option.removesuffix("_folder")
        folder = Path(self.transport_options.get(option) or default)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @cached_property
    def claimed_folder(self):
        return self._folder("claimed_folder")

    @cached_property
    def damaged_folder(self):
        return self._folder("damaged_folder")

    @cached_property
    def damaged_after(self):
        return self.transport_options.get("damaged_after", DAMAGED_AFTER_SECONDS)


class Transport(filesystem.Transport):
    Channel = Channel
