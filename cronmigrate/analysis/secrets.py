"""Which environment variables of a crontab are secrets (one definition for lint and generate)."""

from __future__ import annotations

import re

SECRET_NAME = re.compile(
    r"PASS(WORD|WD)?|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE
)
AWS_KEY_ID = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")


def is_secret(name: str, value: str) -> bool:
    return bool(SECRET_NAME.search(name) or AWS_KEY_ID.search(value))


def parameter_name(function_name: str, variable: str) -> str:
    """Where generate expects the secret: an SSM SecureString parameter per function."""
    return f"/cronmigrate/{function_name}/{variable}"
