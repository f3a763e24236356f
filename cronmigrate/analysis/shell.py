"""Read a shell command: what it runs, what it redirects. Plain commands by a small
tokenizer, the rest with tree-sitter's bash grammar (:mod:`cronmigrate.analysis.tsbash`);
both through the same :class:`~cronmigrate.analysis.reader.Reader`.
"""

from __future__ import annotations

import re

from cronmigrate.analysis.reader import Reader, Reading, Redirect, Use
from cronmigrate.analysis.tsbash import read_tree

__all__ = ["Reading", "Redirect", "Use", "read"]

_SIMPLE = re.compile(r"^[\w./:=@%+,\- \t<>&|;]*$")
# A path test that decides what runs (the tree reader records it: analysis/tsbash.py).
_TESTS = re.compile(r"(^|[;&|]\s*)(test|command|which)\s")
_TOKEN = re.compile(r"(\d*(?:>>|>\||>|<)(?:&\d+)?)|(&&|\|\||;|\||&)|([^\s<>&|;]+)")


def _read_simple(command: str) -> Reading:
    """Commands without quotes, expansions or compound syntax (most crontab lines), read
    without loading a parser (lint runs in every commit)."""
    reader = Reader(read)
    words: list[str] = []
    pending: tuple[str, int] | None = None
    for m in _TOKEN.finditer(command):
        redirect, operator, word = m.groups()
        if pending is not None and word is not None:
            op, start = pending
            reader.redirects.append(Redirect(op.lstrip("0123456789"), word, start, m.end()))
            pending = None
        elif redirect is not None:
            if "&" in redirect:  # 2>&1: a descriptor, not a file
                continue
            pending = (redirect, m.start())
        elif operator is not None:
            reader.argv(words, "")
            words = []
        elif word is not None:
            words.append(word)
    reader.argv(words, "")
    return reader.reading()


def read(command: str) -> Reading:
    """What ``command`` runs. Plain commands are read without a parser (lint runs in every
    commit); the rest with tree-sitter's bash grammar, which reads real scripts and names
    the lines it cannot read while reading the others."""
    if _SIMPLE.match(command) and not _TESTS.search(command):
        return _read_simple(command)
    reading, bad_lines = read_tree(command, read)
    if bad_lines:
        shown = ", ".join(map(str, bad_lines[:5])) + (" …" if len(bad_lines) > 5 else "")
        return reading._replace(error=f"line {shown}" if len(bad_lines) == 1 else f"lines {shown}")
    return reading
