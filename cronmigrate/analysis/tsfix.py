"""Valid shell that tree-sitter's bash grammar cannot read, rewritten to the same shell it
can: applied only to a text whose first reading left regions unread, keeping every newline
(a region's line stays its line) and a map from each rewritten offset back to the original
one (what the reader reports, a redirect or a guard, points at the text the user wrote).

Each rewrite says the same thing to the shell:

- ``for NAME do`` (POSIX, ``in "$@"`` implied) → ``for NAME; do``;
- a case pattern with a single-quoted part (``less' '45*)``, ``?*' '?*)``) → the same part
  double-quoted, when it holds none of ``$ ` " \\``, which is then the same string;
- ``[ … ]`` → ``test …``: the grammar's ``[`` knows no grouping (``[ \\( … \\) ]``) and
  no operator in a variable (``[ "$OP" "$L" ]``);
- a here-document's delimiter the grammar does not take (``<<=cut``, ``<<\\END``) →
  the same delimiter single-quoted, and a here-document without a command (a block
  comment) → ``: <<…``;
- ``\\(`` outside quotes → ``"("`` (a literal parenthesis either way), and a ``[`` whose
  ``]`` is missing (``[ -x f; then``: bash runs ``[``, which complains) → ``test``;
- ``((cmd …`` that never closes as arithmetic on its line → ``( (cmd …``, two subshells, as
  bash itself reads it;
- `` `cmd` `` → ``$(cmd)`` where ``cmd`` holds no backslash (inside backquotes a backslash
  quotes differently): the grammar pairs backquotes wrongly across a script that has both
  one-line and many-line ones.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Rewritten(NamedTuple):
    text: str
    back: list[int]  # offset in ``text`` → offset in the original (one past the end too)


_FOR = re.compile(r"(?m)(?:^|(?<=[\s;&|(]))for([ \t]+[A-Za-z_][A-Za-z0-9_]*)([ \t]+)do\b")
_PART = r"""(?:[^\s'"()|;&<>\\]|\\.|'[^'"$`\\\n]*')+"""
_PATTERN = re.compile(
    rf"(?m)^[ \t]*\(?[ \t]*({_PART}(?:[ \t]*\|[ \t]*(?:\\\n[ \t]*)?{_PART})*)"
    r"[ \t]*(?:\)|\|[ \t]*\\$)"
)
_INSIDE = r"(?:[^\]\n\\]|\\[^\n]|\\\n)*?"  # a test's words, continued lines too
_OPEN_TEST = re.compile(r"(?m)(?:^|(?<=[\s;&|!(]))(\[)(?=[ \t][^\]\n]*(?:;|$))")  # no `]`
_TEST = re.compile(rf"(?:^|(?<=[\s;&|!(]))(\[)((?:[ \t]|\\\n){_INSIDE}(?:[ \t]|\\\n))(\])")
_BARE_HEREDOC = re.compile(r"(?m)^[ \t]*(?=<<)")  # `<<\END` alone: a block comment
_HEREDOC = re.compile(r"<<-?[ \t]*(=[A-Za-z0-9_=-]+|\\[A-Za-z_][A-Za-z0-9_]*)")
_SUBSHELLS = re.compile(r"(?m)(?:(?:^|(?<=[;&|(]))[ \t]*|\$)(\(\()(?=[A-Za-z_./${-])(?![^\n]*\)\))")


def rewrite(text: str) -> Rewritten | None:
    """The text with every rewrite applied, or None when none applies."""
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in the original
    for m in _FOR.finditer(text):
        edits.append((m.start(2), m.end(2), "; "))
    for m in _PATTERN.finditer(text):
        part = m.group(1)
        if "'" in part:
            edits.append((m.start(1), m.end(1), part.replace("'", '"')))
    for m in _TEST.finditer(text):
        edits.append((m.start(1), m.end(1), "test"))
        edits.append((m.start(3), m.end(3), " "))
    for m in _SUBSHELLS.finditer(text):  # also `$((cmd) 2>&1)`: a command substitution
        edits.append((m.start(1), m.end(1), "( ("))
    for m in _OPEN_TEST.finditer(text):  # `[ -x f; then`: bash runs `[`, which complains
        edits.append((m.start(1), m.end(1), "test"))
    for m in _BARE_HEREDOC.finditer(text):
        edits.append((m.end(), m.end(), ": "))
    for m in _HEREDOC.finditer(text):
        word = m.group(1).lstrip("\\")
        edits.append((m.start(1), m.end(1), f"'{word}'"))
    for start, end in _backquotes(text):  # `(cmd)` → $( (cmd)), not $((…)) arithmetic
        edits.append((start, start + 1, "$( " if text[start + 1 : start + 2] == "(" else "$("))
        edits.append((end, end + 1, ")"))
    for at in _escaped_parens(text):  # `lv_name=~\(e2scrub$\)`: a quoted parenthesis
        edits.append((at, at + 2, f'"{text[at + 1]}"'))
    if not edits:
        return None
    edits.sort()
    out: list[str] = []
    back: list[int] = []
    pos = 0
    for start, end, replacement in edits:
        if start < pos:  # overlapping: the first one wins
            continue
        out.append(text[pos:start])
        back.extend(range(pos, start))
        out.append(replacement)
        if len(replacement) == end - start:  # a quote for a quote: character by character
            back.extend(range(start, end))
        else:
            back.extend([start] * len(replacement))
        pos = end
    out.append(text[pos:])
    back.extend(range(pos, len(text) + 1))
    return Rewritten("".join(out), back)


def _escaped_parens(text: str) -> list[int]:
    """Offsets of ``\\(`` and ``\\)`` outside quotes, on lines without double quotes or
    substitutions (whose nesting this scan does not follow)."""
    found: list[int] = []
    i, n, double = 0, len(text), False
    while i < n:
        ch = text[i]
        if ch == "\\":
            line = text[text.rfind("\n", 0, i) + 1 : (text.find("\n", i) + 1 or n + 1) - 1]
            plain = not any(c in line for c in ('"', "`", "$("))
            if plain and not double and text[i + 1 : i + 2] in ("(", ")"):
                found.append(i)
            i += 2
            continue
        if ch == "'" and not double:
            close = text.find("'", i + 1)
            i = n if close < 0 else close + 1
            continue
        if ch == '"':
            double = not double
        i += 1
    return found


def _backquotes(text: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of each backquoted command without a backslash, outside
    single quotes."""
    found: list[tuple[int, int]] = []
    i, n, double = 0, len(text), False
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "'" and not double:
            close = text.find("'", i + 1)
            i = n if close < 0 else close + 1
            continue
        if ch == '"':
            double = not double
        elif ch == "`":
            close = text.find("`", i + 1)
            if close < 0:
                break
            if "\\" not in text[i + 1 : close]:
                found.append((i, close))
            i = close + 1
            continue
        i += 1
    return found
