"""``.checkov.yaml`` of the output directory: the checkov checks that do not apply to scheduled
batch jobs as cronmigrate deploys them, each with its reason on its line, so that a security
team running ``checkov -d .`` in the output sees no failure and reads why each check is
skipped. A check that does apply is fixed in the templates instead (SNS topics under a
customer managed key, the state machines' execution logging, a versioned artifact bucket).
A skip that holds for one resource only is written on that resource (the state machines'
CKV_AWS_285), not here. The reasons appear in the output's README too (Security).

Check ids and names: checkov 3.3's policy index (https://www.checkov.io/5.Policy%20Index/
cloudformation.html and terraform.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from cronmigrate.deploy.infra import Function, Queue, Resource, Schedule, StateMachine, Table
from cronmigrate.render import Artifact, Artifacts


class Skip(NamedTuple):
    check: str
    title: str  # what the check asks
    reason: str  # why it does not apply (one line)
    kinds: tuple[type, ...]  # skipped only when the output has one of these
    terraform_only: bool = False  # a check of the Terraform artifact bucket


SKIPS: tuple[Skip, ...] = (
    Skip(
        "CKV_AWS_115",
        "Lambda reserved concurrency",
        "each job runs once per scheduled time (the duplicate guard); reserving concurrency "
        "would take from the account's pool for jobs that run minutes or days apart",
        (Function,),
    ),
    Skip(
        "CKV_AWS_116",
        "Lambda dead-letter queue",
        "a failed run goes to the on-failure destination (the FailureTopic), which the check "
        "does not recognise; events that cannot be delivered go to the schedules' SQS "
        "dead-letter queue",
        (Function,),
    ),
    Skip(
        "CKV_AWS_117",
        "Lambda in a VPC",
        "a job reaches AWS APIs and what its command names; subnet_ids in cronmigrate.yaml "
        "puts a job in a VPC where it needs one",
        (Function,),
    ),
    Skip(
        "CKV_AWS_173",
        "Lambda environment variables under a customer managed key",
        "Lambda encrypts them at rest; they hold the crontab's environment and no secret "
        "(secrets: are read from SSM Parameter Store at run time)",
        (Function,),
    ),
    Skip(
        "CKV_AWS_50",
        "X-Ray tracing of Lambda",
        "a job is a shell command; its duration, exit status and output are in its log "
        "group and its claim item (cronmigrate status)",
        (Function,),
    ),
    Skip(
        "CKV_AWS_272",
        "Lambda code signing",
        "the zips are built reproducibly by cronmigrate generate and checked by SHA-256 "
        "(cronmigrate status compares each function's CodeSha256 with its zip)",
        (Function,),
    ),
    Skip(
        "CKV_AWS_158",
        "CloudWatch log groups under a customer managed key",
        "CloudWatch Logs encrypts every log group at rest; a customer managed key would "
        "need a key policy naming the logs service of each region",
        (Function, StateMachine),
    ),
    Skip(
        "CKV_AWS_338",
        "log retention of at least a year",
        "retention is log_retention_days in cronmigrate.yaml (30 unless set; cron kept "
        "nothing but mail); raise it where a policy asks for a year",
        (Function, StateMachine),
    ),
    Skip(
        "CKV_AWS_119",
        "DynamoDB under a customer managed key",
        "the lock table holds job names, scheduled times and exit statuses, encrypted at "
        "rest by DynamoDB",
        (Table,),
    ),
    Skip(
        "CKV_AWS_28",
        "DynamoDB point-in-time recovery",
        "the lock table's items expire after lock_ttl_days; a duplicate guard has nothing "
        "to restore",
        (Table,),
    ),
    Skip(
        "CKV_AWS_27",
        "SQS encryption (CloudFormation)",
        "the dead-letter queue is encrypted with SSE-SQS (SqsManagedSseEnabled: true), which "
        "the CloudFormation check does not recognise (the Terraform one does)",
        (Queue,),
    ),
    Skip(
        "CKV_AWS_297",
        "EventBridge Scheduler under a customer managed key",
        "a schedule holds its expression and the job's name as input, no secret; Scheduler "
        "encrypts it at rest",
        (Schedule,),
    ),
    Skip(
        "CKV_AWS_284",
        "X-Ray tracing of Step Functions",
        "a Run Command job's steps are SSM, DynamoDB and SNS calls, logged to its log group",
        (StateMachine,),
    ),
    Skip(
        "CKV_AWS_18",
        "S3 access logging (the Terraform artifact bucket)",
        "the bucket holds the generated zips, written by terraform apply and recorded by "
        "CloudTrail; access logs would need a second bucket",
        (),
        True,
    ),
    Skip(
        "CKV_AWS_144",
        "S3 cross-region replication (the Terraform artifact bucket)",
        "the zips are rebuilt from the crontab by cronmigrate generate; the bucket is versioned",
        (),
        True,
    ),
    Skip(
        "CKV_AWS_145",
        "S3 under a customer managed key (the Terraform artifact bucket)",
        "S3 encrypts the zips at rest (SSE-S3); they are the generated code, no data",
        (),
        True,
    ),
    Skip(
        "CKV2_AWS_62",
        "S3 event notifications (the Terraform artifact bucket)",
        "nothing reacts to a new zip: terraform apply updates the functions itself",
        (),
        True,
    ),
)


def skips(resources: Sequence[Resource], iac: set[str]) -> list[Skip]:
    """The skips that concern this output's resources and forms."""
    kinds = {type(r) for r in resources}
    out = []
    for s in SKIPS:
        if s.terraform_only:
            if "terraform" in iac:
                out.append(s)
        elif kinds & set(s.kinds):
            out.append(s)
    return out


def render(resources: Sequence[Resource], iac: set[str]) -> Artifacts:
    lines = [
        "# checkov's settings for this directory: run `checkov -d .` here (it reads this file).",
        "# Each check below does not apply to these scheduled jobs; the reason is on its line.",
        "# Checks that do apply pass; a check skipped for one resource only says so on it.",
        "skip-check:",
    ]
    lines += [f"  - {s.check}  # {s.title}: {s.reason}" for s in skips(resources, iac)]
    return {".checkov.yaml": Artifact.text("\n".join(lines) + "\n")}
