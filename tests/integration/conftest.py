"""The integration tests' local AWS: moto's standalone server on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    port = _free_port()
    # One request at a time: DynamoDB's conditional writes are atomic, moto's are not when
    # two requests are served by two threads at once (both PutItems could succeed).
    serve = (
        "import sys\n"
        "from werkzeug.serving import run_simple\n"
        "from moto.server import DomainDispatcherApplication, create_backend_app\n"
        "app = DomainDispatcherApplication(create_backend_app)\n"
        "run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=False)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", serve, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
