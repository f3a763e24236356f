"""The ``cronmigrate`` command: ``lint`` takes a fast path that never imports typer or rich."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["lint"]:
        from cronmigrate.cli.lint import main as lint_main

        sys.exit(lint_main(sys.argv[2:]))
    from cronmigrate.cli.app import main as cli_main

    cli_main()
