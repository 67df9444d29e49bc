"""`python -m demo.standins`: every stand-in on its port, for `make demo` (Procfile.demo).

Each module demo.standins.<name> present is started from its build(); a line is printed per
request answered. The ports are fixed so the Makefile can point the web server and the worker
at them; <NAME>_STANDIN_PORT changes one (the tests give free ports).
"""

import os
import signal
import sys
import threading
from importlib import import_module

NAMES = ("siasn", "bsre", "lms", "webhooks")
# webhooks: an institution's own system receiving Angkatan's signed POSTs (issue 17).
PORTS = {"siasn": 8701, "bsre": 8702, "lms": 8703, "webhooks": 8704}


def _logged(stand_in):
    """Print a line for each request the stand-in routes (the base keeps HTTP's log quiet)."""
    route = stand_in._route

    def logging_route(request):
        reply = route(request)
        what = request.param("wsfunction") or _form_field(request, "wsfunction")
        line = " ".join(filter(None, [request.method, request.path, what]))
        print(f"[{stand_in.name}] {line} -> {reply.status}", flush=True)
        return reply

    stand_in._route = logging_route
    return stand_in


def _form_field(request, name):
    """A field of a form body (Moodle's function name), "" for any other body."""
    if "form-urlencoded" not in request.headers.get("content-type", ""):
        return ""
    try:
        return request.form().get(name, "")
    except UnicodeDecodeError:
        return ""


def stand_ins_start(host="127.0.0.1"):
    started = []
    for name in NAMES:
        try:
            module = import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__package__}.{name}":
                raise
            continue  # that system's stand-in is not written yet
        stand_in = module.build()
        stand_in.host = host
        stand_in.port = int(os.environ.get(f"{name.upper()}_STANDIN_PORT") or PORTS[name])
        _logged(stand_in).start()
        print(f"[{name}] stand-in berjalan di {stand_in.url}", flush=True)
        started.append(stand_in)
    return started


def main():
    started = stand_ins_start()
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    for stand_in in started:
        stand_in.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
