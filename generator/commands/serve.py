"""`winback serve`: build, serve output/ on this machine, rebuild on save, reload the page.

The server only ever listens where it is told (127.0.0.1 by default), and
answers only requests addressed to it by its own names: a web page whose
host name is made to resolve to 127.0.0.1 (DNS rebinding) names its own host
in `Host`, and is refused, so it cannot read the dossiers. Each request must
arrive within a deadline, and the connections served at once are bounded, so
slow or many senders cannot hold the server's threads. Pages
are served from the output folder with two things added on the way out, never
written to disk: a small script that reloads the page after a rebuild, and,
while the last build had errors, a panel listing them with file, line and
message, which goes away with the next good build.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import io
import ipaddress
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

import watchfiles

from generator import paths
from generator.commands.build import BuildOptions, build
from generator.engine.folder import output_refusal
from generator.outputs import path_of
from generator.problems import Problem
from generator.project import open_project

log = logging.getLogger("winback")

VERSION_PATH = "/__winback/version"
RELOAD_SCRIPT = """<script>(function () {
  var seen = null;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen === null) { seen = v; } else if (v !== seen) { location.reload(); }
    }).catch(function () {}).finally(function () { setTimeout(poll, 600); });
  }
  poll();
}());</script>""" % VERSION_PATH
WATCHED = (str(paths.CONTENT), str(paths.TEMPLATES), str(paths.ARCHETYPES), paths.CONFIG)
WATCH_TICK_MS = 250  # how often the watcher wakes without a change: it then knows it runs


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    out: Path | None = None
    livereload: bool = True
    pdf: bool = False
    today: dt.date | None = None
    force: bool = False
    debounce_ms: int = 300
    idle_seconds: float = 10.0  # a connection that sends nothing for this long is closed
    request_seconds: float = 10.0  # a request not read whole in this long is dropped
    max_connections: int = 64  # served at once, each in a thread; more are turned away


class Refused(Exception):
    """The output folder may not be built into, so it is not served either."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class BuildState:
    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class DevServer:
    def __init__(self, project_dir: Path, options: ServeOptions,
                 on_build: Callable[[list[Problem]], None] | None = None) -> None:
        self.project_dir = project_dir.resolve()
        self.options = options
        self.on_build = on_build
        self.state = BuildState()
        self.stop = threading.Event()
        self.watching = threading.Event()  # set once changes are being watched
        project = open_project(self.project_dir, options.out)
        refused = output_refusal(project, options.force)
        if refused is not None:  # serving the project folder would publish its secrets
            raise Refused(refused)
        self.output_dir = project.output_dir
        handler = partial(_Handler, self)
        self.httpd = _Server((options.host, options.port), handler, options.max_connections)
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def rebuild(self) -> list[Problem]:
        """A build (incremental; the project is reopened since its config may have changed);
        the open pages reload after it. Whatever goes wrong is shown, never raised: the
        watcher must outlive any one build."""
        try:
            problems = self._build()
        except Exception as exc:  # noqa: BLE001
            problems = [_fault(self.project_dir, "the rebuild", exc)]
        self._publish(problems)
        return problems

    def _build(self) -> list[Problem]:
        project = open_project(self.project_dir, self.options.out)
        if output_refusal(project, self.options.force) is None:
            self.output_dir = project.output_dir  # else the old site is served; the build says why
        report = build(project, BuildOptions(today=self.options.today, pdf=self.options.pdf,
                                             jobs=1, force=self.options.force))
        if report.pdf_engine:  # shown in the panel too: no brief is printed at all
            return [*report.problems, Problem(project.root, 0, 0, "pdf", report.pdf_engine)]
        return report.problems

    def _publish(self, problems: list[Problem]) -> None:
        with self.state.lock:
            self.state.problems = [p for p in problems if p.is_error]
            self.state.version += 1
        if self.on_build:
            self.on_build(problems)

    def watch(self) -> None:
        while not self.stop.is_set():
            paths = [self.project_dir / name for name in WATCHED
                     if (self.project_dir / name).exists()]
            output = str(self.output_dir)
            try:
                for changes in watchfiles.watch(
                        *paths, stop_event=self.stop, debounce=self.options.debounce_ms,
                        watch_filter=lambda _change, path: not path.startswith(output),
                        rust_timeout=WATCH_TICK_MS, yield_on_timeout=True,
                        raise_interrupt=False):
                    self.watching.set()
                    if changes:
                        self.rebuild()
            except Exception as exc:  # noqa: BLE001 - a watched folder deleted, say
                self._publish([_fault(self.project_dir, "watching for changes", exc)])
                self.stop.wait(1)  # then watch again, from the folders there are now

    def start(self) -> None:
        """Serve and watch in background threads (the CLI then waits; tests drive it)."""
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        threading.Thread(target=self.watch, daemon=True).start()

    def shutdown(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARDS = ("", "0.0.0.0", "::")  # listening on every address


def own_host_names(host: str) -> list[str]:
    """The host names a request to this server may carry in `Host`: the address it
    listens on and this machine's loopback names."""
    return sorted({host.lower(), *LOOPBACK_NAMES} - {""})


def host_is_ours(value: str | None, host: str, port: int) -> bool:
    """Whether a request's `Host` names this server (listening on `host`, `port`), with
    its port (which may be left out for port 80). Listening on every address, any
    address written as numbers is ours too: only a host *name* can be made to resolve to
    this machine by someone else's DNS."""
    name, given_port = _split_host(value or "")
    if given_port not in ({port, None} if port == 80 else {port}):
        return False
    if name in own_host_names(host):
        return True
    return host in WILDCARDS and _is_address(name)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _split_host(value: str) -> tuple[str, int | None]:
    """'Example.com:8000' -> ('example.com', 8000), '[::1]:80' -> ('::1', 80); a port that
    is not a number gives port -1, which is no server's."""
    value = value.strip().lower()
    if value.startswith("["):  # an IPv6 address, in brackets
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None if not rest else "x"
    else:
        name, colon, port = value.partition(":")
        port = port if colon else None
    if port is None:
        return name, None
    return name, int(port) if port.isdigit() and len(port) <= 5 else -1


class _Server(http.server.ThreadingHTTPServer):
    # The standard 5 waiting connections make a browser with many tabs (each polling for
    # reloads) wait a second per connection turned away.
    request_queue_size = 64

    def __init__(self, address, handler, max_connections: int) -> None:
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address) -> None:
        """Each connection is served in a thread of its own, up to the bound; one past it
        is answered at once (in this thread, a few bytes into an empty socket buffer) and
        closed, so no number of connections can start more threads."""
        if not self.slots.acquire(blocking=False):
            _turn_away(request)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        """One line instead of a traceback: a bad request must not look like a crash."""
        error = sys.exc_info()[1]
        log.warning("serve: a request from %s failed: %s: %s", client_address[0],
                    type(error).__name__, error)


BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Connection: close\r\n\r\nToo many connections at once; try again.\n")


def _turn_away(request: socket.socket) -> None:
    try:
        request.setblocking(False)
        request.send(BUSY)
    except OSError:
        pass  # the client is gone already, or its buffer is full: it is closed either way


class _DeadlineReader(io.RawIOBase):
    """A connection's bytes, read by a deadline: each read waits at most until then (and
    at most the idle time), so a sender dripping a byte at a time is dropped at the
    deadline rather than kept for as long as it keeps dripping."""

    def __init__(self, connection: socket.socket, idle_seconds: float) -> None:
        self.connection = connection
        self.idle_seconds = idle_seconds
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wait = self.idle_seconds
        if self.deadline is not None:
            wait = min(wait, self.deadline - time.monotonic())
            if wait <= 0:
                raise TimeoutError("the request was not sent in time")
        self.connection.settimeout(wait)
        return self.connection.recv_into(buffer)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, server: DevServer, *args, **kwargs) -> None:
        self.dev = server
        # Each connection holds a thread: one that sends nothing is closed after a while.
        self.timeout = server.options.idle_seconds
        super().__init__(*args, directory=str(server.output_dir), **kwargs)

    def setup(self) -> None:
        super().setup()
        self.reader = _DeadlineReader(self.connection, self.dev.options.idle_seconds)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        # The request line and headers must all arrive by the deadline (a closed
        # connection is what a reader past it sees: the stdlib drops it on TimeoutError).
        self.reader.deadline = time.monotonic() + self.dev.options.request_seconds
        super().handle_one_request()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self.reader.deadline = None  # read whole: what follows is answering it
        host, port = self.dev.options.host, self.server.server_address[1]
        if not host_is_ours(self.headers.get("Host"), host, port):
            names = ", ".join(f"[{name}]:{port}" if ":" in name else f"{name}:{port}"
                              for name in own_host_names(host))
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Not this server's name",
                            f"This server answers only to its own names: {names}")
            return False
        return True

    def log_message(self, format, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # a request log on every reload poll would drown the build messages

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        if self._readable_path():
            super().do_HEAD()

    def _readable_path(self) -> bool:
        """No file name holds a NUL byte; asking for one is answered, not crashed on."""
        if "\x00" in unquote(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if not self._readable_path():
            return
        if self.path == VERSION_PATH:
            self._send(str(self.dev.state.version).encode(), "text/plain; charset=utf-8")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / path_of("index")
        if path.suffix == ".html":
            page = path.read_text(encoding="utf-8") if path.is_file() else _EMPTY_PAGE
            self._send(self._decorate(page).encode("utf-8"), "text/html; charset=utf-8",
                       200 if path.is_file() else 404)
            return
        super().do_GET()

    def _decorate(self, page: str) -> str:
        """The page with the last build's errors at its top, in the flow of the page so
        that it covers nothing, and the reload script at its end."""
        with self.dev.state.lock:
            problems = list(self.dev.state.problems)
        if problems:
            panel = _error_panel(problems, self.dev.project_dir)
            opening = BODY_TAG.search(page)
            page = (page[:opening.end()] + panel + page[opening.end():] if opening
                    else panel + page)
        script = RELOAD_SCRIPT if self.dev.options.livereload else ""
        if "</body>" in page:
            return page.replace("</body>", script + "</body>", 1)
        return page + script

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _fault(root: Path, what: str, exc: Exception) -> Problem:
    return Problem(root, 0, 0, "", f"{what} failed: {type(exc).__name__}: {exc}",
                   "this is a fault in winback: please report it; serve goes on watching")


BODY_TAG = re.compile(r"<body[^>]*>", re.I)
# A page that is not there (yet): in the site's own style, saying what to do.
_EMPTY_PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>Not built</title><link rel=\"stylesheet\" href=\"/assets/style.css\">"
               "</head><body><header class=\"site\"><a class=\"brand\" href=\"/index.html\">"
               "All accounts</a></header><main id=\"main\"><h1>Nothing here yet</h1>"
               "<p>This page has not been built. If it is an account's, its file has errors "
               "(listed above) and no earlier version of it without errors is committed in git; "
               "fix the file and save it, and this page reloads by itself.</p></main>"
               "</body></html>")


def _error_panel(problems: list[Problem], root: Path) -> str:
    items = "".join(f"<li><code>{html.escape(p.headline(root))}</code></li>" for p in problems)
    return ('<section id="winback-errors" role="alert" style="max-height:40vh;overflow:auto;'
            'background:#fdf1e6;color:#1d232b;border-bottom:4px solid #a3262a;'
            'padding:.75rem 1.25rem;font:14px/1.4 sans-serif"><h2 style="margin:0 0 .5rem;'
            f'font-size:16px;border:0">The last build has {len(problems)} '
            f'error{"s" if len(problems) != 1 else ""}; this page may be out of date</h2>'
            f'<ul style="margin:0;padding-left:1.2rem">{items}</ul></section>')
