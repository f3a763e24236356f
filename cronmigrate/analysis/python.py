"""Python in cron jobs: which interpreter a command or script names, which runtime that is on
Lambda, and what a script imports.

Lambda has a managed Python runtime (``python3.13``, :data:`cronmigrate.aws_facts.PYTHON_RUNTIME`);
``python``, ``python3``, ``python3.N`` and ``#!/usr/bin/env python3`` scripts run on it.
Python 2 has no Lambda runtime ("Lambda runtimes", deprecated runtimes: python2.7 since
2021): a job that needs it is refused with its own finding.

A bundled script's imports are read with :mod:`ast`: the standard library is there (the
names are :data:`sys.stdlib_module_names` of the Python running cronmigrate, 3.11 or later,
which the runtime's 3.13 includes); a module next to the script in the server's copy is
bundled with it; anything else is a third-party distribution the job's ``requirements:``
must name, else the job fails with ImportError on its first run.
"""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from typing import NamedTuple

# python, python3, python3.11, /usr/bin/python3, /usr/local/bin/python3.9
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
_PYTHON2 = re.compile(r"^python2(\.\d+)?$")
_SHEBANG = re.compile(rb"^#!\s*(\S+)(?:\s+(\S+))?")

# What Lambda's Python runtime has beyond the standard library: the AWS SDK for Python and
# what it needs ("Building Lambda functions with Python": the runtime includes Boto3).
IN_RUNTIME = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"}
)

# Distributions whose importable module has another name (the common ones in cron scripts).
MODULE_OF = {
    "pyyaml": "yaml",
    "python-dateutil": "dateutil",
    "beautifulsoup4": "bs4",
    "pillow": "PIL",
    "scikit-learn": "sklearn",
    "psycopg2-binary": "psycopg2",
    "psycopg-binary": "psycopg",
    "mysqlclient": "MySQLdb",
    "pymysql": "pymysql",
    "python-dotenv": "dotenv",
    "protobuf": "google",
    "google-cloud-storage": "google",
    "attrs": "attr",
    "pyjwt": "jwt",
    "opencv-python": "cv2",
    "msgpack-python": "msgpack",
}


def interpreter(program: str) -> str | None:
    """``python3`` for a Python 3 interpreter named as a program (bare or by path),
    ``python2`` for Python 2, None for anything else."""
    name = posixpath.basename(program)
    if _PYTHON2.match(name):
        return "python2"
    if _PYTHON.match(name):
        return "python3"
    return None


def shebang_interpreter(data: bytes) -> str | None:
    """The Python a script's ``#!`` line names (``#!/usr/bin/python3``, ``#!/usr/bin/env
    python3``), or None."""
    m = _SHEBANG.match(data.split(b"\n", 1)[0])
    if m is None:
        return None
    program = m.group(1).decode("utf-8", "replace")
    if posixpath.basename(program) == "env" and m.group(2):
        program = m.group(2).decode("utf-8", "replace")
    return interpreter(program)


def portable_shebang(data: bytes) -> bytes:
    """A Python 3 script's ``#!`` line as ``#!/usr/bin/env python3``: the runtime's Python is
    on PATH, not at the server's /usr/bin/python3."""
    first, sep, rest = data.partition(b"\n")
    if shebang_interpreter(data) != "python3" or first == b"#!/usr/bin/env python3":
        return data
    return b"#!/usr/bin/env python3" + sep + rest


def is_python_script(path: str, data: bytes) -> bool:
    return path.endswith(".py") or shebang_interpreter(data) is not None


class Imports(NamedTuple):
    modules: tuple[str, ...]  # top-level names of the modules imported, in order
    optional: tuple[str, ...]  # imported inside try/except ImportError: may be absent
    error: str = ""  # why the script could not be read (a syntax error: Python 2?)


def imports(text: str) -> Imports:
    """The top-level modules a script imports (absolute imports only: a relative one is the
    script's own package)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        return Imports((), (), f"line {exc.lineno}: {exc.msg}")
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h.type) for h in node.handlers):
            for inner in node.body:
                guarded.update(id(n) for n in ast.walk(inner))
    found: list[str] = []
    optional: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module.split(".")[0]]
        for name in names:
            target = optional if id(node) in guarded else found
            if name not in target:
                target.append(name)
    return Imports(tuple(found), tuple(o for o in optional if o not in found))


def _catches_import_error(kind: ast.expr | None) -> bool:
    if kind is None:
        return True  # a bare except
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(
        isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError", "Exception")
        for n in names
    )


def is_stdlib(module: str) -> bool:
    return module in sys.stdlib_module_names


def requirement_name(requirement: str) -> str:
    """``PyYAML==6.0.2`` → ``pyyaml``: a distribution's normalised name (PEP 503)."""
    name = re.split(r"[=<>!~\[;\s]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def provided_modules(requirements: tuple[str, ...]) -> frozenset[str]:
    """The modules ``requirements:`` are taken to provide before they are installed (generate
    checks the installed distributions' own lists)."""
    out = set()
    for req in requirements:
        name = requirement_name(req)
        out.add(MODULE_OF.get(name, name.replace("-", "_")))
    return frozenset(out)
