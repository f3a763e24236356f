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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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
    events: queue.Queue[tuple[str, bytes, int, str] | None] = field(default_factory=queue.Queue)
    outcomes: queue.Queue[Outcome] = field(default_factory=queue.Queue)

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        assert isinstance(host, str)
        return f"{host}:{port}"

    def invoke(
        self,
        event: dict[str, Any] | bytes,
        timeout_ms: int = 10_000,
        trace_id: str = "Root=1-5759e988-bd862e3fe1be46a994272793",
    ) -> str:
        request_id = str(uuid.uuid4())
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        deadline = int(time.time() * 1000) + timeout_ms
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
            self._reply(
                200,
                body,
                {
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline),
                    "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                    "Lambda-Runtime-Trace-Id": trace,
                },
            )

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


@contextmanager
def runtime_api() -> Iterator[RuntimeAPI]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
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
    stdout: int = subprocess.PIPE,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``bootstrap`` as Lambda would: cwd and LAMBDA_TASK_ROOT = task_root."""
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": api.address,
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": handler,
        "LANG": "en_US.UTF-8",
        "TMPDIR": str(task_root.parent / "tmp"),
    } | (env or {})
    Path(environ["TMPDIR"]).mkdir(exist_ok=True)
    proc = subprocess.Popen(
        ["bash", str(bootstrap)],
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
    import zipfile

    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            target = dest / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
