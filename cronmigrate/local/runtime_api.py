"""A small Lambda Runtime API (2018-06-01) server for running bootstraps for real.

It serves GET /runtime/invocation/next from a queue, records every POST (response, error,
init error) with its headers and raw body, and lets a test wait for the outcome of each
invocation.  Loopback only.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:test"


@dataclass
class Outcome:
    kind: str  # "response" | "error" | "init-error"
    request_id: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class RuntimeAPI:
    server: ThreadingHTTPServer
    events: queue.Queue[tuple[str, bytes, int | None, str] | None] = field(
        default_factory=queue.Queue
    )
    outcomes: queue.Queue[Outcome] = field(default_factory=queue.Queue)

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        assert isinstance(host, str)
        return f"{host}:{port}"

    def invoke(
        self,
        event: dict[str, Any] | bytes,
        timeout_ms: int | None = 10_000,
        trace_id: str = "Root=1-5759e988-bd862e3fe1be46a994272793",
    ) -> str:
        """Queue an invocation; ``timeout_ms=None`` sends no Lambda-Runtime-Deadline-Ms."""
        request_id = str(uuid.uuid4())
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        deadline = None if timeout_ms is None else int(time.time() * 1000) + timeout_ms
        self.events.put((request_id, body, deadline, trace_id))
        return request_id

    def outcome(self, timeout: float = 30) -> Outcome:
        return self.outcomes.get(timeout=timeout)


def _handler(api: RuntimeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _reply(
            self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path != f"{PREFIX}/invocation/next":
                self._reply(404)
                return
            item = api.events.get()
            if item is None:  # shutting down
                api.events.put(None)
                self._reply(500, b'{"errorMessage":"shutting down"}')
                return
            request_id, body, deadline, trace = item
            headers = {
                "Lambda-Runtime-Aws-Request-Id": request_id,
                "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                "Lambda-Runtime-Trace-Id": trace,
            }
            if deadline is not None:
                headers["Lambda-Runtime-Deadline-Ms"] = str(deadline)
            self._reply(200, body, headers)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path[len(PREFIX) :]
            if path == "/init/error":
                api.outcomes.put(Outcome("init-error", "", body, headers))
            elif path.startswith("/invocation/") and path.endswith(("/response", "/error")):
                request_id, kind = path[len("/invocation/") :].rsplit("/", 1)
                api.outcomes.put(Outcome(kind, request_id, body, headers))
            else:
                self._reply(404)
                return
            self._reply(202, b'{"status":"OK"}')

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a runtime that went away mid-request (shutting down): nothing to report


@contextmanager
def runtime_api() -> Iterator[RuntimeAPI]:
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    api = RuntimeAPI(server)
    server.RequestHandlerClass = _handler(api)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.events.put(None)
        server.shutdown()
        server.server_close()


@contextmanager
def running_bootstrap(
    api: RuntimeAPI,
    bootstrap: Path,
    task_root: Path,
    handler: str = "function.sh",
    env: dict[str, str] | None = None,
    stdout: int | IO[bytes] = subprocess.PIPE,
    private_tmp: str | None = None,
    hide_zoneinfo: bool = False,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``bootstrap`` as Lambda would: cwd and LAMBDA_TASK_ROOT = task_root.

    ``private_tmp="1m"``: in a private mount namespace (``unshare -m``; ``-r`` maps the
    user to root where it is not root) with a tmpfs of that size on /tmp, as Lambda's
    /tmp, so that a job cleaning or filling /tmp cannot reach this machine's; the layer is
    bound on /opt and the function on /mnt (the sandbox itself may be under /tmp).
    ``hide_zoneinfo``: /usr/share/zoneinfo hidden too, as provided.al2023 has none."""
    if private_tmp is not None:
        script = (
            'set -e; mount --bind "$1" /opt; mount --bind "$2" /mnt; '
            'mount -t tmpfs -o size="$3" tmpfs /tmp; '
            "if [ -d /usr/share/zoneinfo ]; then mount -t tmpfs tmpfs /usr/share/zoneinfo; fi; "
            "cd /mnt; exec bash /opt/bootstrap"
        )
        root = [] if os.geteuid() == 0 else ["-r"]
        command = [
            "unshare", "-m", *root, "--propagation", "private", "--",
            "sh", "-c", script, "sh", str(bootstrap.parent), str(task_root), private_tmp,
            "hide" if hide_zoneinfo else "show",
        ]  # fmt: skip
        task_env = {"LAMBDA_TASK_ROOT": "/mnt", "TMPDIR": "/tmp"}
    else:
        command = ["bash", str(bootstrap)]
        task_env = {}
    environ = (
        {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "LAMBDA_TASK_ROOT": str(task_root),
            "_HANDLER": handler,
            "LANG": "en_US.UTF-8",
            "TMPDIR": str(task_root.parent / "tmp"),
        }
        | task_env
        | (env or {})
    )
    if private_tmp is None:
        Path(environ["TMPDIR"]).mkdir(exist_ok=True)
    proc = subprocess.Popen(
        command,
        cwd=task_root,
        env=environ,
        stdout=stdout,
        stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()


def unzip(zip_path: Path, dest: Path) -> None:
    """Unpack as Lambda does: files only, Unix modes from the entries."""
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            target = dest / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
