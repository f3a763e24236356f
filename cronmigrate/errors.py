"""Exceptions that abort a command, and the one boundary that turns them into exit codes.
Findings about the input are Diagnostics, not these."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

INTERNAL_ERROR = 3  # a bug: one line, a traceback only with --debug


class CronmigrateError(Exception):
    """Aborts the command with a one-line message."""

    exit_code = 1


class UsageError(CronmigrateError):
    """Bad arguments: exit 2, like every Unix tool."""

    exit_code = 2


def error_line(message: str) -> None:
    """``error: message`` on standard error, red on a terminal unless NO_COLOR is set."""
    color = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    prefix = "\x1b[31merror:\x1b[0m" if color else "error:"
    print(f"{prefix} {message}".replace("\n", "\\n"), file=sys.stderr)


def run_guarded(action: Callable[[], int], debug: bool = False) -> int:
    """The one boundary of every entry point (``plan``, ``generate``, ``lint``, …): a domain
    error is one line and its exit code, a bug is one line and exit 3 (the traceback only
    with ``debug``), a closed pipe is exit 1, Ctrl-C is 130."""
    try:
        return action()
    except CronmigrateError as exc:
        error_line(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # `cronmigrate plan … | head`
        with contextlib.suppress(OSError):
            sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            raise
        error_line(f"internal error: {exc.__class__.__name__}: {exc} (rerun with --debug)")
        return INTERNAL_ERROR
