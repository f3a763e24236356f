"""Exceptions that abort a command. Findings about the input are Diagnostics, not these."""

from __future__ import annotations


class CronmigrateError(Exception):
    """Aborts the command with a one-line message."""

    exit_code = 1


class UsageError(CronmigrateError):
    """Bad arguments: exit 2, like every Unix tool."""

    exit_code = 2
