"""One module per command (pre-commit's ``commands/``): each does the work of its command with
explicit arguments and returns values; ``cli/`` parses the arguments, calls one, prints.

Nothing is imported here: ``lint`` loads only what linting needs."""
