"""Just enough of an ELF header to tell the architecture and the shared libraries a
compiled program needs (Nim, Go and Rust tools, C programs)."""

from __future__ import annotations

import struct
from typing import NamedTuple

# e_machine values (System V ABI): x86-64 62, AArch64 183.
MACHINES = {
    62: ("x86_64", "x86_64"),
    183: ("arm64", "AArch64"),
    3: (None, "i386"),
    40: (None, "ARM (32-bit)"),
    8: (None, "MIPS"),
    20: (None, "PowerPC"),
}
# glibc's libraries, present in every AL2023 image (glibc, libgcc).
RUNTIME_LIBRARIES = frozenset(
    {
        "libc.so.6",
        "libm.so.6",
        "libpthread.so.0",
        "libdl.so.2",
        "librt.so.1",
        "libutil.so.1",
        "libresolv.so.2",
        "libcrypt.so.2",
        "libgcc_s.so.1",
        "ld-linux-x86-64.so.2",
        "ld-linux-aarch64.so.1",
        "libz.so.1",
    }
)
_DT_NEEDED, _DT_STRTAB = 1, 5
_PT_DYNAMIC = 2


class ElfInfo(NamedTuple):
    architecture: str | None  # x86_64, arm64, or None for what Lambda cannot run
    machine: str
    needed: tuple[str, ...]


def read(data: bytes) -> ElfInfo | None:
    if len(data) < 64 or data[:4] != b"\x7fELF":
        return None
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    try:
        machine = struct.unpack_from(endian + "H", data, 18)[0]
        arch, label = MACHINES.get(machine, (None, f"machine {machine}"))
        return ElfInfo(arch, label, tuple(_needed(data, is64, endian)))
    except struct.error:
        return ElfInfo(None, "a truncated ELF file", ())


def _needed(data: bytes, is64: bool, e: str) -> list[str]:
    if is64:
        (phoff,) = struct.unpack_from(e + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(e + "HH", data, 54)
    else:
        (phoff,) = struct.unpack_from(e + "I", data, 28)
        phentsize, phnum = struct.unpack_from(e + "HH", data, 42)
    loads: list[tuple[int, int, int]] = []  # (vaddr, offset, filesz)
    dynamic: tuple[int, int] | None = None
    for i in range(min(phnum, 64)):
        base = phoff + i * phentsize
        if is64:
            ptype, _flags, off, vaddr, _paddr, filesz = struct.unpack_from(e + "IIQQQQ", data, base)
        else:
            ptype, off, vaddr, _paddr, filesz = struct.unpack_from(e + "IIIII", data, base)
        if ptype == 1:
            loads.append((vaddr, off, filesz))
        elif ptype == _PT_DYNAMIC:
            dynamic = (off, filesz)
    if dynamic is None:
        return []
    entry = struct.Struct(e + ("qQ" if is64 else "iI"))
    needed: list[int] = []
    strtab = None
    off, size = dynamic
    for pos in range(off, min(off + size, len(data) - entry.size + 1), entry.size):
        tag, value = entry.unpack_from(data, pos)
        if tag == 0:
            break
        if tag == _DT_NEEDED:
            needed.append(value)
        elif tag == _DT_STRTAB:
            strtab = value
    if strtab is None:
        return []
    table = next((o + strtab - v for v, o, n in loads if v <= strtab < v + n), None)
    if table is None:
        return []
    out = []
    for name_off in needed:
        start = table + name_off
        end = data.find(b"\0", start)
        if 0 <= start < end:
            out.append(data[start:end].decode("ascii", "replace"))
    return out
