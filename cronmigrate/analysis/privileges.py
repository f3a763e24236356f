"""Strip ``sudo``, ``su`` and ``runuser`` from a crontab command: on Lambda there is no root
and no other user, and provided.al2023 has none of the three (it is built on AL2023-minimal,
without sudo or util-linux's su/runuser), so a job keeping them exits 127 on every run.

``sudo [OPTIONS] [--] CMD ARGS`` and ``runuser -u USER [--] CMD ARGS`` become ``CMD ARGS``;
``su [-] [OPTIONS] USER -c 'TEXT'`` (and ``runuser USER -c 'TEXT'``) become ``( TEXT )``: the
text that the user's shell would have run, now run by the job's shell, where the bundling
can still point its paths at the bundled copies. A ``-c`` argument in double quotes with an
expansion keeps its quoting (``sh -c "…$X…"``): the outer shell expands it, as before.
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")", "\n")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_KEYWORDS = frozenset({"then", "do", "else", "elif", "{", "!", "if", "while", "until"})

# Options that take a value (sudo(8), runuser(1), su(1)).
_SUDO_VALUE = frozenset(
    {"-u", "-g", "-C", "-p", "-U", "-h", "-r", "-t", "-T", "-D", "-R"}
    | {"--user", "--group", "--close-from", "--prompt", "--other-user", "--host", "--role"}
    | {"--type", "--command-timeout", "--chdir", "--chroot"}
)
_SU_VALUE = frozenset({"-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w"})
_SU_COMMAND = frozenset({"-c", "--command", "--session-command"})


class Word(NamedTuple):
    text: str  # as written
    value: str | None  # unquoted, None when it holds an expansion or cannot be read
    start: int
    end: int


class Stripped(NamedTuple):
    command: str
    removed: tuple[str, ...]  # the wrappers taken out, as written ("sudo -u app")
    kept: tuple[str, ...]  # wrappers that could not be taken out safely


def _word_end(text: str, i: int) -> int | None:
    """Index after the word starting at ``i``; None when quotes do not close."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "'`":  # to the closing one: nothing inside is special
            j = text.find(c, i + 1)
            if j < 0:
                return None
            i = j + 1
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= n:
                return None
            i += 1
            continue
        if c == "$" and text.startswith("$(", i):
            depth += 1
            i += 2
            continue
        if c == ")" and depth:
            depth -= 1
            i += 1
            continue
        if depth == 0 and (c in " \t" or text.startswith(_OPERATORS, i) or c in "<>"):
            return i
        i += 1
    return i if depth == 0 else None


def _unquote(word: str) -> str | None:
    """The word's value, or None if it needs an expansion to know it."""
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c == "'":
            j = word.index("'", i + 1)
            out.append(word[i + 1 : j])
            i = j + 1
        elif c == '"':
            i += 1
            while word[i] != '"':
                if word[i] in "$`":
                    return None
                if word[i] == "\\" and word[i + 1] in '"\\$`\n':
                    out.append(word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            i += 1
        elif c == "\\":
            out.append(word[i + 1 : i + 2])
            i += 2
        elif c in "$`*?[~{":
            return None
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _commands(text: str) -> list[list[Word]] | None:
    """The simple commands' words, split at operators; None if the text cannot be read."""
    out: list[list[Word]] = [[]]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == "#" and (i == 0 or text[i - 1] in " \t\n;&|("):
            stop = text.find("\n", i)
            i = n if stop < 0 else stop
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is not None:
            out.append([])
            i += len(op)
            continue
        if c in "<>" or (c.isdigit() and re.match(r"\d+[<>]", text[i:])):
            m = re.match(r"\d*(?:>>|>\||>&|<&|<<<|<<|<>|>|<)-?", text[i:])
            assert m is not None
            i += m.end()
            while i < n and text[i] in " \t":
                i += 1
            end = _word_end(text, i)
            if end is None:
                return None
            i = end
            continue
        end = _word_end(text, i)
        if end is None:
            return None
        word = text[i:end]
        out[-1].append(Word(word, _unquote(word), i, end))
        i = end
    return [c for c in out if c]


def _skip_options(words: list[Word], valued: frozenset[str]) -> int | None:
    """Index of the first word after the options; None for an option we cannot read."""
    i = 0
    while i < len(words):
        v = words[i].value
        if v is None:
            return None
        if v == "--":
            return i + 1
        if not v.startswith("-") or v == "-":
            return i
        if v in valued:
            i += 2
        else:
            i += 1  # a flag, --name=value, -uapp, or flags together (-nE)
    return i


def _su_parts(words: list[Word]) -> tuple[int, Word | None] | None:
    """(index after su's last word, its -c word) for ``su [opts] [-] [USER] [-c TEXT]``."""
    i, user_seen, command = 0, False, None
    while i < len(words):
        v = words[i].value
        if v is None:
            if command is None and i > 0 and words[i - 1].value in _SU_COMMAND:
                command = words[i]
                i += 1
                continue
            return None
        if v in _SU_COMMAND:
            if i + 1 >= len(words):
                return None
            command = words[i + 1]
            i += 2
        elif v.startswith(("--command=", "--session-command=")):
            text = words[i].text.split("=", 1)[1]
            command = Word(text, _unquote(text), words[i].start, words[i].end)
            i += 1
        elif v in _SU_VALUE:
            i += 2
        elif v.startswith("-"):
            i += 1
        elif not user_seen:
            user_seen = True
            i += 1
        else:
            return None  # arguments passed to the shell: not a form to rewrite
    return i, command


def strip_privileges(command: str) -> Stripped:
    commands = _commands(command)
    if commands is None:
        return Stripped(command, (), ())
    edits: list[tuple[int, int, str]] = []
    removed: list[str] = []
    kept: list[str] = []
    for words in commands:
        k = 0
        while k < len(words) and (words[k].value in _KEYWORDS or _ASSIGNMENT.match(words[k].text)):
            k += 1
        if k >= len(words) or words[k].value is None:
            continue
        name = posixpath.basename(words[k].value or "")
        rest = words[k + 1 :]
        head = words[k]
        if name == "sudo" or (name == "runuser" and any(w.value == "-u" for w in rest)):
            at = _skip_options(rest, _SUDO_VALUE)
            if at is None or at >= len(rest):
                kept.append(command[head.start : rest[-1].end if rest else head.end])
                continue
            edits.append((head.start, rest[at].start, ""))
            removed.append(command[head.start : rest[at].start].rstrip())
        elif name in {"su", "runuser"}:
            parts = _su_parts(rest)
            text = parts[1] if parts is not None else None
            if parts is None or text is None:  # `su - app`: commands from stdin
                kept.append(command[head.start : rest[-1].end if rest else head.end])
                continue
            stop = parts[0]
            end = rest[stop - 1].end
            # with an expansion, the outer shell expands it before su ran it: keep that
            replacement = f"( {text.value} )" if text.value is not None else f"sh -c {text.text}"
            edits.append((head.start, end, replacement))
            removed.append(command[head.start : text.start].rstrip())
    out = command
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return Stripped(out, tuple(removed), tuple(kept))
