"""Deterministic zip archives: same files in, same bytes out.

Entries are sorted, stamped 1980-01-01 00:00 (the earliest time a zip can hold), marked
as made on Unix with the file mode in ``external_attr`` (so ``bootstrap`` and scripts stay
executable in Lambda), no directory entries and no top-level folder.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

EPOCH = (1980, 1, 1, 0, 0, 0)


def build(entries: Iterable[tuple[str, bytes, int]]) -> bytes:
    """``entries``: (path inside the zip, content, Unix mode such as 0o755)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content, mode in sorted(entries, key=lambda e: e[0]):
            if name.startswith("/") or ".." in name.split("/"):
                raise ValueError(f"unsafe path in zip: {name!r}")
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.create_system = 3  # Unix
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content, compresslevel=9)
    return buf.getvalue()
