"""The server's accounts, read from its copy: a crontab owner's home directory.

cron sets ``HOME`` from the owner's ``/etc/passwd`` entry unless the crontab sets it (Debian's
cron, do_command.c / env.c: ``HOME`` and ``LOGNAME`` come from the passwd entry, and a
``HOME=`` line of the crontab replaces it). On Lambda ``HOME`` is ``/tmp``: a job whose program
is ``$HOME/bin/monthly`` is looked up in the copy and bundled like any script.
"""

from __future__ import annotations

from pathlib import Path

from cronmigrate.analysis.rootfs import locate


def passwd_homes(root: Path) -> dict[str, str] | None:
    """User → home directory from the copy's ``/etc/passwd``; None when the copy has none."""
    found = locate(root, "/etc/passwd").path
    try:
        text = found.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    homes: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) >= 7 and fields[0] and not line.startswith("#"):
            homes.setdefault(fields[0], fields[5])
    return homes


def home_of(root: Path | None, user: str | None, crontab_home: str | None) -> str | None:
    """The job's HOME as cron gives it: the crontab's ``HOME=``, else the owner's passwd
    entry in the copy; None when neither says (no copy, no passwd, no such user)."""
    if crontab_home:
        return crontab_home
    if root is None or not user:
        return None
    homes = passwd_homes(root)
    if homes is None:
        return None
    home = homes.get(user)
    return home if home and home.startswith("/") else None
