"""Read a shell command with a real bash parser (bashlex): what it runs, what it redirects.

Wrappers are looked through (``nice``, ``ionice``, ``timeout 600``, ``flock -n LOCK``,
``sudo -u u``, ``env``, ``nohup``, ``exec``), interpreters give their script (``bash x.sh``,
``php artisan``, ``python3 x.py``), ``sh -c '…'`` and ``su - u -c '…'`` are read
recursively, ``cd DIR`` is followed for relative paths, ``source``/``.`` are includes.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, NamedTuple

from cronmigrate.commands import SCRIPT_INTERPRETERS

INTERPRETERS = SCRIPT_INTERPRETERS
_WRAPPERS_WITH_VALUE = {
    "timeout": 1,
    "flock": 1,
    "nice": 0,
    "ionice": 0,
    "nohup": 0,
    "exec": 0,
    "command": 0,
    "time": 0,
    "chronic": 0,
    "stdbuf": 0,
    "sudo": 0,
    "env": 0,
}
_OPTS_WITH_ARG = {
    "nice": {"-n"},
    "ionice": {"-c", "-n", "-p"},
    "timeout": {"-s", "-k", "--signal"},
    "flock": {"-w", "-E", "--timeout", "--conflict-exit-code"},
    "sudo": {"-u", "-g", "-C"},
    "env": {"-u", "--unset", "-C"},
    "stdbuf": {"-i", "-o", "-e"},
}


class Use(NamedTuple):
    program: str  # as written (a bare name or a path)
    args: tuple[str, ...]
    via: str = ""  # wrapper or interpreter that ran it ("sudo", "bash", "php", "run-parts")
    cwd: str | None = None  # after `cd DIR`


class Redirect(NamedTuple):
    op: str  # '>', '>>', '&>', '<'
    target: str
    start: int  # span in the command text (-1: inside a nested command)
    end: int


class Reading(NamedTuple):
    uses: tuple[Use, ...]
    redirects: tuple[Redirect, ...]
    includes: tuple[str, ...]  # source/. arguments
    parsed: bool
    error: str = ""
    functions: frozenset[str] = frozenset()  # shell functions the text defines


_SIMPLE = re.compile(r"^[\w./:=@%+,\- \t<>&|;]*$")
_TOKEN = re.compile(r"(\d*(?:>>|>\||>|<)(?:&\d+)?)|(&&|\|\||;|\||&)|([^\s<>&|;]+)")


def _read_simple(command: str) -> Reading:
    """Commands without quotes, expansions or compound syntax (most crontab lines), read
    without importing bashlex (which costs ~100 ms, and lint runs in every commit)."""
    uses: list[Use] = []
    redirects: list[Redirect] = []
    includes: list[str] = []
    state: dict[str, str | None] = {"cwd": None}
    words: list[str] = []
    pending: tuple[str, int] | None = None
    for m in _TOKEN.finditer(command):
        redirect, operator, word = m.groups()
        if pending is not None and word is not None:
            op, start = pending
            redirects.append(Redirect(op.lstrip("0123456789"), word, start, m.end()))
            pending = None
        elif redirect is not None:
            if "&" in redirect:  # 2>&1: a descriptor, not a file
                continue
            pending = (redirect, m.start())
        elif operator is not None:
            _argv(words, "", uses, redirects, includes, state)
            words = []
        elif word is not None:
            words.append(word)
    _argv(words, "", uses, redirects, includes, state)
    return Reading(tuple(uses), tuple(redirects), tuple(includes), True)


def read(command: str) -> Reading:
    if _SIMPLE.match(command):
        return _read_simple(command)
    import bashlex
    import bashlex.errors

    uses: list[Use] = []
    redirects: list[Redirect] = []
    includes: list[str] = []
    try:
        trees = bashlex.parse(command)
    except (
        bashlex.errors.ParsingError,
        NotImplementedError,
        AssertionError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
    ) as exc:
        return Reading((), (), (), False, str(exc).splitlines()[0] if str(exc) else "")
    state: dict[str, str | None] = {"cwd": None}
    functions: set[str] = set()
    for tree in trees:
        _walk(tree, uses, redirects, includes, state, nested=False, functions=functions)
    return Reading(tuple(uses), tuple(redirects), tuple(includes), True, "", frozenset(functions))


def _walk(
    node: Any,
    uses: list[Use],
    redirects: list[Redirect],
    includes: list[str],
    state: dict[str, str | None],
    nested: bool,
    functions: set[str] | None = None,
) -> None:
    kind = getattr(node, "kind", "")
    if kind == "function" and functions is not None and hasattr(node, "name"):
        functions.add(node.name.word)
    if kind == "command":
        _command(node, uses, redirects, includes, state, nested)
        return
    for child in _children(node):
        _walk(child, uses, redirects, includes, state, nested, functions)


def _children(node: Any) -> list[Any]:
    out: list[Any] = []
    for attr in ("parts", "list", "command", "body"):
        value = getattr(node, attr, None)
        if isinstance(value, list):
            out.extend(value)
        elif value is not None and hasattr(value, "kind"):
            out.append(value)
    return out


def _command(
    node: Any,
    uses: list[Use],
    redirects: list[Redirect],
    includes: list[str],
    state: dict[str, str | None],
    nested: bool,
) -> None:
    words: list[str] = []
    for part in node.parts:
        if part.kind == "word":
            words.append(part.word)
            for sub in getattr(part, "parts", []):  # $(...) inside a word
                _walk(sub, uses, redirects, includes, state, nested=True)
        elif part.kind == "assignment":
            for sub in getattr(part, "parts", []):
                _walk(sub, uses, redirects, includes, state, nested=True)
        elif part.kind == "redirect":
            target = part.output
            if hasattr(target, "word"):
                start, end = (-1, -1) if nested else part.pos
                redirects.append(Redirect(part.type, target.word, start, end))
    if words:
        _argv(words, "", uses, redirects, includes, state)


def _argv(
    words: list[str],
    via: str,
    uses: list[Use],
    redirects: list[Redirect],
    includes: list[str],
    state: dict[str, str | None],
) -> None:
    if not words:
        return
    name = posixpath.basename(words[0])
    if words[0] == "cd":
        target = words[1] if len(words) > 1 else None
        if target and target.startswith("/"):
            state["cwd"] = target
        elif target and state["cwd"]:
            state["cwd"] = posixpath.normpath(posixpath.join(state["cwd"] or "/", target))
        return
    if words[0] in {".", "source"} and len(words) > 1:
        includes.append(words[1])
        uses.append(Use(words[0], tuple(words[1:]), via, state["cwd"]))
        return
    if name in _WRAPPERS_WITH_VALUE:
        uses.append(Use(words[0], tuple(words[1:]), via, state["cwd"]))
        rest = _skip(words[1:], name)
        if name == "env":
            while rest and "=" in rest[0] and not rest[0].startswith("="):
                rest = rest[1:]
        _argv(rest, name, uses, redirects, includes, state)
        return
    if name == "su":
        uses.append(Use(words[0], tuple(words[1:]), via, state["cwd"]))
        if "-c" in words[1:-1]:
            _nested(words[words.index("-c") + 1], "su", uses, redirects, includes, state)
        return
    if name in INTERPRETERS:
        uses.append(Use(words[0], tuple(words[1:]), via, state["cwd"]))
        args = words[1:]
        if "-c" in args[:-1] and name in {"sh", "bash", "dash", "ksh", "zsh"}:
            _nested(args[args.index("-c") + 1], name, uses, redirects, includes, state)
            return
        scripts = [a for a in args if not a.startswith("-")]
        if (scripts and name not in {"perl", "python", "python2", "python3", "ruby", "node"}) or (
            scripts and not any(a in {"-e", "-c", "-m"} for a in args)
        ):
            uses.append(
                Use(scripts[0], tuple(args[args.index(scripts[0]) + 1 :]), name, state["cwd"])
            )
        return
    uses.append(Use(words[0], tuple(words[1:]), via, state["cwd"]))


def _skip(args: list[str], wrapper: str) -> list[str]:
    with_arg = _OPTS_WITH_ARG.get(wrapper, set())
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        i += 2 if args[i] in with_arg else 1
    return args[i + _WRAPPERS_WITH_VALUE[wrapper] :]


def _nested(
    text: str,
    via: str,
    uses: list[Use],
    redirects: list[Redirect],
    includes: list[str],
    state: dict[str, str | None],
) -> None:
    inner = read(text)
    for u in inner.uses:
        uses.append(u._replace(via=u.via or via, cwd=u.cwd or state["cwd"]))
    redirects.extend(r._replace(start=-1, end=-1) for r in inner.redirects)
    includes.extend(inner.includes)
