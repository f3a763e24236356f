"""``cronmigrate init-config``: a commented cronmigrate.yaml with every setting."""

from __future__ import annotations

from pathlib import Path

from cronmigrate.errors import CronmigrateError, UsageError
from cronmigrate.settings import template_text


def init_config(output: Path, force: bool = False) -> None:
    if output.exists() and not force:
        raise UsageError(f"{output}: exists; use --force to overwrite it")
    try:
        output.write_text(template_text())
    except OSError as exc:
        raise CronmigrateError(f"{output}: cannot write: {exc.strerror}") from None
