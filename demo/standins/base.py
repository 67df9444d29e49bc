"""An HTTP server that answers like an outside system, and can be told to misbehave.

A stand-in has routes (method, path pattern, handler) and records every call it answers, so a
test can count what reached the outside world. Faults are queued and each spoils the next
request: an error status, a garbled body, or a hang until the client gives up (the server
holds the request until it is stopped, so the client's own timeout decides, however busy the
machine is), or a lost answer (the request is carried out, then held the same way).

Tests start a stand-in in a thread of the test process; the Celery worker, a separate
process, reaches it over HTTP like the real thing. `python -m demo.standins` runs them all
for the demo.
"""

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """What a handler gets: the parsed request."""

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    match: re.Match | None = None

    def json(self):
        return json.loads(self.body or b"null")

    def form(self):
        return {key: values[-1] for key, values in parse_qs(self.body.decode()).items()}

    def param(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)

    def encoded(self):
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode()
        if isinstance(self.body, str):
            return self.body.encode()
        return self.body


@dataclass
class Call:
    method: str
    path: str
    status: int


class StandIn:
    """Subclasses add routes in `routes()`: a list of (method, regex, handler)."""

    name = "stand-in"

    def __init__(self, host="127.0.0.1", port=0):
        self.host, self.port = host, port
        self.calls = []
        self._faults = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = None
        self._thread = None
        self._routes = [(m, re.compile(p + r"\Z"), h) for m, p, h in self.routes()]

    # -- what subclasses provide -----------------------------------------------------------

    def routes(self):
        return []

    # -- faults ----------------------------------------------------------------------------

    def fail_next(self, status=500, times=1, body=None):
        """The next `times` requests get `status` (and `body`, default a plain error)."""
        for _ in range(times):
            self._queue(("status", status, body))

    def garble_next(self, times=1):
        """The next requests get 200 with a body that is not what the contract says."""
        for _ in range(times):
            self._queue(("garble",))

    def hang_next(self, times=1):
        """The next requests get no answer until the stand-in stops: the client times out."""
        for _ in range(times):
            self._queue(("hang",))

    def lose_reply_next(self, times=1):
        """The next requests are carried out (the system's state changes and the call is
        recorded) but the answer never leaves: the client times out not knowing it worked."""
        for _ in range(times):
            self._queue(("lose",))

    def fail_after(self, good, status=500, times=1):
        """Answer `good` requests normally, then fail `times` with `status`: mid-batch."""
        for _ in range(good):
            self._queue(None)
        self.fail_next(status=status, times=times)

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def _queue(self, fault):
        with self._lock:
            self._faults.append(fault)

    def _next_fault(self):
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    # -- running ---------------------------------------------------------------------------

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: tests and the demo log the calls instead
                pass

            def _serve(self):
                stand_in._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def serve_forever(self):
        """For `python -m demo.standins`: run in this thread."""
        self.start()
        self._thread.join()

    # -- one request -----------------------------------------------------------------------

    def _handle(self, handler):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        fault = self._next_fault()
        if fault and fault[0] == "hang":
            self._release.wait(timeout=120)
            handler.close_connection = True
            return
        if fault and fault[0] == "status":
            reply = Reply(status=fault[1], body=fault[2] or {"message": "Internal Server Error"})
        elif fault and fault[0] == "garble":
            reply = Reply(status=200, body="<html>502 Bad Gateway</html>", content_type="text/html")
        else:
            reply = self._route(request)
        with self._lock:
            self.calls.append(Call(request.method, request.path, reply.status))
        if fault and fault[0] == "lose":
            self._release.wait(timeout=120)
            handler.close_connection = True
            return
        data = reply.encoded()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, request):
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                request.match = match
                try:
                    return handler(request)
                except (ValueError, KeyError) as error:
                    return Reply(status=400, body={"message": f"Bad request: {error}"})
        return Reply(status=404, body={"message": "Not found"})

    def calls_to(self, method, path_prefix):
        """The answered calls with this method whose path starts with `path_prefix`."""
        with self._lock:
            return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]
