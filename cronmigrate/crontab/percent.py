"""The ``%`` rule of ``do_command.c``: the first unescaped ``%`` ends the command, the rest is
standard input; ``\\%`` is a literal ``%`` and (Debian's patch) ``\\\\`` one backslash."""

from __future__ import annotations


def split_percent(command: str) -> tuple[str, str | None]:
    """do_command.c: split a crontab command into (command, standard input or None)."""
    out: list[str] = []
    escaped = False
    rest: str | None = None
    for i, ch in enumerate(command):
        if escaped:
            if ch in "%\\":
                out[-1] = ch
            else:
                out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            out.append(ch)
            continue
        if ch == "%":
            rest = command[i + 1 :]
            break
        out.append(ch)
    if not rest:
        return "".join(out), None
    data: list[str] = []
    escaped = False
    need_newline = False
    for ch in rest:
        if escaped:
            if ch != "%":
                data.append("\\")
        elif ch == "%":
            ch = "\n"
        escaped = ch == "\\"
        if not escaped:
            data.append(ch)
            need_newline = ch != "\n"
    if escaped:
        data.append("\\")
    if need_newline:
        data.append("\n")
    return "".join(out), "".join(data)


def open_construct(text: str) -> str | None:
    """What ``text`` leaves open as shell text (``$((``, ``$(``, ``(``, ``{``, a quote or a
    backquote), or None: a command cut at a ``%`` usually stops inside one."""
    stack: list[str] = []
    i, n = 0, len(text)
    word_start = True
    while i < n:
        c = text[i]
        top = stack[-1] if stack else ""
        if top == "'":
            if c == "'":
                stack.pop()
            i += 1
            continue
        if c == "\\":
            i += 2
            word_start = False
            continue
        if top == '"' and c not in '"$`':
            i += 1
            continue
        if c == "#" and word_start and top not in ('"', "`"):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "'\"`":
            if c == top and c in '"`':
                stack.pop()
            else:
                stack.append(c)
        elif text.startswith("$((", i):
            stack.append("$((")
            i += 3
            word_start = True
            continue
        elif text.startswith("$(", i) or (c == "(" and top != '"'):
            stack.append("$(" if c == "$" else "(")
            i += 2 if c == "$" else 1
            word_start = True
            continue
        elif text.startswith("${", i):
            stack.append("${")
            i += 2
            continue
        elif c == "{" and word_start and top != '"':
            stack.append("{")
        elif c == ")" and top == "$((" and text.startswith("))", i):
            stack.pop()
            i += 2
            continue
        elif (c == ")" and top in ("$(", "(")) or (c == "}" and top in ("${", "{")):
            stack.pop()
        word_start = c in " \t\n;&|()"
        i += 1
    return stack[0] if stack else None  # the outermost: what the reader sees first


def escape_percents(line: str) -> str:
    """Every ``%`` that cron would cut at, written ``\\%`` (a literal ``%``)."""
    out: list[str] = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line) and line[i + 1] in "%\\":
            out.append(line[i : i + 2])
            i += 2
            continue
        out.append("\\%" if c == "%" else c)
        i += 1
    return "".join(out)
