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
