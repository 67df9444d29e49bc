"""Starting a stand-in for a test (demo.standins): the only mock, at the edge of the world."""

import contextlib


@contextlib.contextmanager
def running(stand_in):
    """Start `stand_in` on a free port for the block, and stop it after, hung requests too."""
    stand_in.start()
    try:
        yield stand_in
    finally:
        stand_in.stop()
