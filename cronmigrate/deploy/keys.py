"""Object keys of the uploaded artifacts (zips, nested templates): one rule for every form."""

from __future__ import annotations

from cronmigrate.deploy.infra import Code


def s3_key(code: Code) -> str:
    """Where deploy-cloudformation.sh uploads a zip or template (under the prefix): the
    content's hash in the key, so that a change reaches the function or nested stack."""
    stem, _, ext = code.path.rsplit("/", 1)[-1].rpartition(".")
    return f"{stem}-{code.sha256[:16]}.{ext}"
