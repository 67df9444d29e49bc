"""Restoring a SQLite database safely while it is open (docs/decisions.md, "Backups").

django-dbbackup backs SQLite up with SQLite's backup API, but restores by writing the backup
over the database file. The database runs in WAL mode (settings): changes made since the last
checkpoint live in the -wal file beside it, and SQLite lays them back over the restored file,
so part of what the restore should undo comes back. Restoring through the backup API of the
open connection writes every page through SQLite itself, which keeps the log consistent.
"""

import contextlib
import os
import sqlite3
from shutil import copyfileobj
from tempfile import NamedTemporaryFile

from dbbackup.db.sqlite import SqliteBackupConnector


class SqliteConnector(SqliteBackupConnector):
    def restore_dump(self, dump):
        with NamedTemporaryFile(delete=False, suffix=".sqlite3") as copy:
            copyfileobj(dump, copy)
        try:
            self.connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(copy.name)) as backup:
                backup.backup(self.connection.connection)
        finally:
            os.remove(copy.name)
