"""What a shell command runs, as values (:class:`Reading`), and the :class:`Reader` that
collects them while a command's words are walked in order, whichever parser found the words
(the plain tokenizer of :mod:`cronmigrate.analysis.shell`, or tree-sitter's bash grammar in
:mod:`cronmigrate.analysis.tsbash`).

Wrappers are looked through (``nice``, ``ionice``, ``timeout 600``, ``flock -n LOCK``,
``sudo -u u``, ``env``, ``nohup``, ``exec``), interpreters give their script (``bash x.sh``,
``php artisan``, ``python3 x.py``), ``sh -c '…'`` and ``su - u -c '…'`` are read
recursively, ``cd DIR`` is followed for relative paths, ``source``/``.`` are includes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import NamedTuple

from cronmigrate.analysis.commands import ASSIGNMENT, runs_a_script

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
    substituted: bool = False  # inside $(...) or `...`: feeds another command's words


class Redirect(NamedTuple):
    op: str  # '>', '>>', '&>', '<'
    target: str
    start: int  # span in the command text (-1: inside a nested command)
    end: int


class Guard(NamedTuple):
    """A test of a path that decides whether the rest of a command runs: ``[ -x P ] && rest``,
    ``test -x P || rest``, ``if [ -x P ]; then rest; fi``, ``command -v NAME && rest``."""

    op: str  # "&&": the rest runs when the test passes; "||": when it fails
    test: str  # -e -f -d -x -r -s, or "-v" (command -v / which: a program on PATH)
    path: str  # an absolute path, or (-v) a program's name
    negated: bool  # [ ! -x P ]
    whole: bool  # it guards everything the command does (the command is this one statement)
    start: int  # its span in the command text
    end: int


class Reading(NamedTuple):
    uses: tuple[Use, ...]
    redirects: tuple[Redirect, ...]
    includes: tuple[str, ...]  # source/. arguments
    parsed: bool
    error: str = ""
    functions: frozenset[str] = frozenset()  # shell functions the text defines
    guards: tuple[Guard, ...] = ()  # path tests that decide whether parts run


_SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh"})
_INLINE_FLAGS = frozenset({"-e", "-c", "-m"})  # perl -e, python -c, python -m: no script file
_FLAG_INTERPRETERS = frozenset({"perl", "python", "python2", "python3", "ruby", "node"})


class Reader:
    """What one command line runs, collected while its words are walked in order (``cd``
    changes the directory the later words run in)."""

    def __init__(self, read_nested: Callable[[str], Reading]) -> None:
        self.read_nested = read_nested  # how text run by `sh -c`/`su -c` is read
        self.uses: list[Use] = []
        self.redirects: list[Redirect] = []
        self.includes: list[str] = []
        self.functions: set[str] = set()
        self.guards: list[Guard] = []
        self.cwd: str | None = None
        self.depth = 0  # command substitutions entered

    def reading(self) -> Reading:
        return Reading(
            tuple(self.uses),
            tuple(self.redirects),
            tuple(self.includes),
            True,
            "",
            frozenset(self.functions),
            tuple(self.guards),
        )

    def use(self, words: list[str], via: str) -> None:
        self.uses.append(Use(words[0], tuple(words[1:]), via, self.cwd, self.depth > 0))

    def argv(self, words: list[str], via: str) -> None:
        while words and ASSIGNMENT.match(words[0]):  # `SERVICE_MODE=1 /sbin/e2scrub_all`
            words = words[1:]
        if not words:
            return
        name = posixpath.basename(words[0])
        if words[0] == "cd":
            target = words[1] if len(words) > 1 else None
            if target and target.startswith("/"):
                self.cwd = target
            elif target and self.cwd:
                self.cwd = posixpath.normpath(posixpath.join(self.cwd, target))
            return
        self.use(words, via)
        if words[0] in {".", "source"} and len(words) > 1:
            self.includes.append(words[1])
        elif name in _WRAPPERS_WITH_VALUE:
            rest = _skip(words[1:], name)
            if name == "env":
                while rest and "=" in rest[0] and not rest[0].startswith("="):
                    rest = rest[1:]
            self.argv(rest, name)
        elif name == "su":
            if "-c" in words[1:-1]:
                self.nested(words[words.index("-c") + 1], "su")
        elif runs_a_script(name):
            args = words[1:]
            if "-c" in args[:-1] and name in _SHELLS:
                self.nested(args[args.index("-c") + 1], name)
                return
            scripts = [a for a in args if not a.startswith("-")]
            if scripts and (
                name not in _FLAG_INTERPRETERS or not any(a in _INLINE_FLAGS for a in args)
            ):
                self.use(args[args.index(scripts[0]) :], name)

    def nested(self, text: str, via: str) -> None:
        inner = self.read_nested(text)
        for u in inner.uses:
            self.uses.append(
                u._replace(
                    via=u.via or via,
                    cwd=u.cwd or self.cwd,
                    substituted=u.substituted or self.depth > 0,
                )
            )
        self.redirects.extend(r._replace(start=-1, end=-1) for r in inner.redirects)
        self.includes.extend(inner.includes)


def _skip(args: list[str], wrapper: str) -> list[str]:
    with_arg = _OPTS_WITH_ARG.get(wrapper, set())
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        i += 2 if args[i] in with_arg else 1
    return args[i + _WRAPPERS_WITH_VALUE[wrapper] :]
