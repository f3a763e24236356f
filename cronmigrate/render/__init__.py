"""Renderers: each turns a Deployment into artifacts, ``{relative path: Artifact}``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Artifact:
    content: bytes
    mode: int = 0o644  # written with this mode; zips carry their own entries' modes

    @staticmethod
    def text(text: str, mode: int = 0o644) -> Artifact:
        return Artifact(text.encode("utf-8", "surrogateescape"), mode)


Artifacts = dict[str, Artifact]
