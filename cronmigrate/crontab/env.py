"""Environment lines: ``env.c load_env``, the Vixie 4.1 state machine (``NAME = value``,
either side may be quoted; ``NAME=`` alone is not an environment line)."""

from __future__ import annotations

from cronmigrate.crontab.lexical import (
    C_SPACE,
)


def parse_env(line: str) -> tuple[str, str] | None:
    """env.c ``load_env`` on one line (leading blanks already skipped), or None."""
    namei, name_, eq1, eq2, valuei, value, fini, error = range(8)
    state = namei
    quote = ""
    name: list[str] = []
    val: list[str] = []
    cur = name
    i = 0
    n = len(line)
    while state != error and i < n:
        c = line[i]
        if state in (namei, valuei):
            if c in "'\"":
                quote = c
                i += 1
            state += 1
            if i >= n:
                break
            c = line[i]
        if state in (name_, value):
            if quote:
                if c == quote:
                    state += 1
                    i += 1
                    continue
                if state == name_ and c == "=":
                    state = error
                    continue
            elif state == name_:
                if c in C_SPACE:
                    i += 1
                    state += 1
                    continue
                if c == "=":
                    state += 1
                    continue
            cur.append(c)
            i += 1
        elif state == eq1:
            if c == "=":
                state = eq2
                cur = val
                quote = ""
            elif c not in C_SPACE:
                state = error
            i += 1
        elif state in (eq2, fini):
            if c in C_SPACE:
                i += 1
            else:
                state += 1
    if state != fini and not (state == value and not quote):
        return None
    v = "".join(val).rstrip(C_SPACE)
    if len(v) >= 2 and v[0] in "'\"" and v[-1] == v[0]:
        v = v[1:-1]
    return "".join(name), v
