"""Object keys of the uploaded artifacts (zips, nested templates).

CloudFormation updates a function's code (and a nested stack's template) only when the key
changes, so its keys carry the content's hash. Terraform compares ``source_code_hash``: its
keys are the zips' names, so a job whose code changes updates its object and its function in
place (a new key would destroy one object and create another at every change)."""

from __future__ import annotations

from cronmigrate.deploy.infra import Code


def s3_key(code: Code) -> str:
    """Where deploy-cloudformation.sh uploads a zip or template (under the prefix): the
    content's hash in the key, so that a change reaches the function or nested stack."""
    stem, _, ext = code.path.rsplit("/", 1)[-1].rpartition(".")
    return f"{stem}-{code.sha256[:16]}.{ext}"


def stable_key(code: Code) -> str:
    """Where Terraform uploads a zip (under ``cronmigrate/``): its name, the same at every
    change of its content."""
    return code.path.rsplit("/", 1)[-1]
