"""Terraform (``terraform/*.tf``) from the neutral :class:`~cronmigrate.deploy.infra.Stack`:
syntax only, every decision is the model's.

Written as data through :mod:`cronmigrate.render.hcl` (so every string is escaped the same
way); ``versions.tf`` and ``variables.tf`` are fixed text from ``templates/terraform``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cronmigrate import __version__
from cronmigrate.deploy.infra import (
    AccountId,
    Alarm,
    Arn,
    Code,
    Function,
    Key,
    Layer,
    LogGroup,
    Output,
    Permission,
    Policy,
    Queue,
    QueuePolicy,
    Ref,
    Resource,
    Role,
    Rule,
    Schedule,
    Stack,
    StateMachine,
    Statement,
    Subscription,
    Table,
    Topic,
)
from cronmigrate.deploy.keys import stable_key
from cronmigrate.render import Artifact, Artifacts, policy
from cronmigrate.render.cloudformation import param_name
from cronmigrate.render.hcl import Block, Comment, Expr, document, template, value
from cronmigrate.render.templating import render as render_template

PARTITION = Expr("data.aws_partition.current.partition")
REGION = Expr("data.aws_region.current.name")
ACCOUNT = Expr("data.aws_caller_identity.current.account_id")
TAGS = Expr("var.tags")
ARTIFACT_VERSION_DAYS = 30
BUCKET = "ArtifactBucket"  # the base output's key for the artifact bucket

# Terraform resource type of each model class.
TYPES: dict[type, str] = {
    Role: "aws_iam_role",
    LogGroup: "aws_cloudwatch_log_group",
    Layer: "aws_lambda_layer_version",
    Function: "aws_lambda_function",
    Table: "aws_dynamodb_table",
    Topic: "aws_sns_topic",
    Key: "aws_kms_key",
    Subscription: "aws_sns_topic_subscription",
    StateMachine: "aws_sfn_state_machine",
    Schedule: "aws_scheduler_schedule",
    Rule: "aws_cloudwatch_event_rule",
    Permission: "aws_lambda_permission",
    Queue: "aws_sqs_queue",
    QueuePolicy: "aws_sqs_queue_policy",
    Alarm: "aws_cloudwatch_metric_alarm",
}
# The attribute that holds a resource's name (Ref(..., "name")).
_NAME_ATTR: dict[type, str] = {
    Function: "function_name",
    LogGroup: "name",
    Table: "name",
    Queue: "name",
}


def address(resource: Any) -> str:
    return f"{TYPES[type(resource)]}.{resource.tf}"


class _Writer:
    """One Terraform root: the resources in ``scope``; references to resources outside it (a
    group's to the base root's) become ``var.base.<name>``, recorded in ``params`` (the
    base root's ``base`` output holds them)."""

    def __init__(
        self,
        stack: Stack,
        scope: tuple[Resource, ...],
        up: str,
        by_id: dict[str, Resource] | None = None,
        base: bool = False,
    ) -> None:
        self.stack = stack
        self.by_id = by_id if by_id is not None else stack.by_id()
        self.scope = scope
        self.local = {r.id for r in scope}
        self.up = up  # from the root's directory to the output directory
        self.params: dict[str, Ref] = {}
        self.base = base  # the base root: it holds the artifact bucket

    def ref(self, r: Ref) -> Expr:
        if r.id not in self.local:
            name = param_name(r)
            self.params[name] = r
            return Expr(f"var.base.{name}")
        target = self.by_id[r.id]
        if r.attr == "arn":
            return Expr(f"{address(target)}.arn")
        if r.attr == "log_streams":  # the group's ARN without CloudFormation's ":*"
            return template([Expr(f"{address(target)}.arn"), ":*"])
        if r.attr == "name":
            return Expr(f"{address(target)}.{_NAME_ATTR[type(target)]}")
        if r.attr == "url" and isinstance(target, Queue):
            return Expr(f"{address(target)}.url")
        raise ValueError(f"no Terraform form for {r}")

    def value(self, v: Any) -> Any:
        if isinstance(v, Ref):
            return self.ref(v)
        if isinstance(v, Arn):
            parts: list[str | Expr] = []
            rest = v.template
            subs = {"{partition}": PARTITION, "{region}": REGION, "{account}": ACCOUNT}
            while rest:
                at = min(((rest.find(k), k) for k in subs if k in rest), default=None)
                if at is None:
                    parts.append(rest)
                    break
                i, key = at
                if i:
                    parts.append(rest[:i])
                parts.append(subs[key])
                rest = rest[i + len(key) :]
            return template(parts)
        if isinstance(v, AccountId):
            return ACCOUNT
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [self.value(x) for x in v]
        return v

    def policy_document(self, statements: tuple[Statement, ...]) -> Expr:
        return Expr("jsonencode(" + value(policy.document(statements, self.value), 1) + ")")

    def code(self, tf: str, code: Code) -> tuple[Block, list[tuple[str, Any]]]:
        """The zip as an S3 object, and the function's or layer's code settings.

        Through S3 rather than ``filename``: the AWS provider uploads ``filename`` code under
        one global lock held until the function is active (terraform-provider-aws,
        internal/service/lambda/function.go), which makes 1,000 functions an hour-long
        apply; S3 objects upload in parallel."""
        path = template([Expr("local.dist"), "/" + code.path.removeprefix("dist/")])
        obj = Block(
            "resource",
            ("aws_s3_object", tf),
            (
                ("bucket", self.bucket),
                ("key", stable_key(code)),
                ("source", path),
                ("source_hash", Expr(f"filemd5({path.text})")),
                ("tags", TAGS),
            ),
        )
        settings: list[tuple[str, Any]] = [
            ("s3_bucket", Expr(f"aws_s3_object.{tf}.bucket")),
            ("s3_key", Expr(f"aws_s3_object.{tf}.key")),
            ("source_code_hash", Expr(f"filebase64sha256({path.text})")),
        ]
        return obj, settings

    @property
    def bucket(self) -> Expr:
        return Expr("aws_s3_bucket.artifacts.id") if self.base else Expr(f"var.base.{BUCKET}")

    def artifacts(self) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_s3_bucket", "artifacts"),
                (
                    ("bucket_prefix", "cronmigrate-artifacts-"),
                    ("tags", TAGS),
                ),
                comment="The zips of the runtime layer and the functions: versioned, and kept "
                "by terraform destroy (empty it first, every version, to remove it).",
            ),
            Block(
                "resource",
                ("aws_s3_bucket_versioning", "artifacts"),
                (
                    ("bucket", Expr("aws_s3_bucket.artifacts.id")),
                    (
                        "versioning_configuration",
                        Block("versioning_configuration", (), (("status", "Enabled"),)),
                    ),
                ),
            ),
            Block(
                "resource",
                ("aws_s3_bucket_lifecycle_configuration", "artifacts"),
                (
                    ("bucket", Expr("aws_s3_bucket.artifacts.id")),
                    (
                        "rule",
                        Block(
                            "rule",
                            (),
                            (
                                ("id", "expire-replaced-zips"),
                                ("status", "Enabled"),
                                ("filter", Block("filter", (), ())),
                                (
                                    "noncurrent_version_expiration",
                                    Block(
                                        "noncurrent_version_expiration",
                                        (),
                                        (("noncurrent_days", ARTIFACT_VERSION_DAYS),),
                                    ),
                                ),
                                (
                                    "abort_incomplete_multipart_upload",
                                    Block(
                                        "abort_incomplete_multipart_upload",
                                        (),
                                        (("days_after_initiation", 1),),
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
                comment=f"A replaced zip is kept {ARTIFACT_VERSION_DAYS} days (a roll-back "
                "can use it), then removed.",
            ),
            Block(
                "resource",
                ("aws_s3_bucket_public_access_block", "artifacts"),
                (
                    ("bucket", Expr("aws_s3_bucket.artifacts.id")),
                    ("block_public_acls", True),
                    ("block_public_policy", True),
                    ("ignore_public_acls", True),
                    ("restrict_public_buckets", True),
                ),
            ),
        ]

    # ---------------------------------------------------------------- resources

    def role(self, r: Role) -> list[Block]:
        out = [
            Block(
                "resource",
                ("aws_iam_role", r.tf),
                (
                    ("name_prefix", r.name_prefix),
                    ("assume_role_policy", self.policy_document(r.trust)),
                    ("tags", TAGS),
                ),
            )
        ]
        out += [self.policy(r, p) for p in r.policies]
        for key, arn in r.managed_policies:
            out.append(
                Block(
                    "resource",
                    ("aws_iam_role_policy_attachment", f"{r.tf}_{key}"),
                    (("role", Expr(f"aws_iam_role.{r.tf}.name")), ("policy_arn", self.value(arn))),
                )
            )
        return out

    def policy(self, role: Role, p: Policy) -> Block:
        comments = [s.comment for s in p.statements if s.comment]
        return Block(
            "resource",
            ("aws_iam_role_policy", f"{role.tf}_{p.key}" if p.key else role.tf),
            (
                ("name", p.name),
                ("role", Expr(f"aws_iam_role.{role.tf}.id")),
                ("policy", self.policy_document(p.statements)),
            ),
            comment="; ".join(comments),
        )

    def log_group(self, r: LogGroup) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_cloudwatch_log_group", r.tf),
                (("name", r.name), ("retention_in_days", r.retention_days), ("tags", TAGS)),
            )
        ]

    def layer(self, r: Layer) -> list[Block]:
        obj, code = self.code(r.tf, r.code)
        return [
            obj,
            Block(
                "resource",
                ("aws_lambda_layer_version", r.tf),
                (
                    ("layer_name", r.name),
                    ("description", r.description),
                    *code,
                    ("compatible_runtimes", list(r.runtimes)),
                    ("compatible_architectures", list(r.architectures)),
                ),
            ),
        ]

    def table(self, r: Table) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_dynamodb_table", r.tf),
                (
                    ("name", Expr("var.lock_table_name")),
                    ("billing_mode", r.billing_mode),
                    ("hash_key", r.hash_key),
                    ("attribute", Block("attribute", (), (("name", r.hash_key), ("type", "S")))),
                    (
                        "ttl",
                        Block("ttl", (), (("attribute_name", r.ttl_attribute), ("enabled", True))),
                    ),
                    ("tags", TAGS),
                ),
                comment="The duplicate-delivery guard: one item per job and scheduled time, "
                "expiring through TTL.",
            )
        ]

    def key(self, r: Key) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_kms_key", r.tf),
                (
                    ("description", r.description),
                    ("enable_key_rotation", r.rotation),
                    ("policy", self.policy_document(r.statements)),
                    ("tags", TAGS),
                ),
            )
        ]

    def topic(self, r: Topic) -> list[Block]:
        body: list[tuple[str, Any]] = [("display_name", r.display_name)]
        if r.kms_key is not None:
            body.append(("kms_master_key_id", self.ref(r.kms_key)))
        return [
            Block("resource", ("aws_sns_topic", r.tf), (*body, ("tags", TAGS)), comment=r.comment)
        ]

    def subscription(self, r: Subscription) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_sns_topic_subscription", r.tf),
                (
                    ("topic_arn", self.ref(r.topic)),
                    ("protocol", r.protocol),
                    ("endpoint", r.endpoint),
                ),
            )
        ]

    def function(self, r: Function) -> list[Block]:
        obj, code = self.code(r.tf, r.code)
        body: list[tuple[str, Any]] = [
            ("function_name", r.name),
            ("description", r.description),
            ("role", self.ref(r.role)),
            ("runtime", r.runtime),
            ("handler", r.handler),
            ("architectures", [r.architecture]),
            ("memory_size", r.memory),
            ("timeout", r.timeout),
            *code,
            ("layers", [self.value(v) for v in r.layers]),
        ]
        if r.environment:
            variables = {k: self.value(v) for k, v in r.environment}
            body.append(("environment", Block("environment", (), (("variables", variables),))))
        body.append(
            (
                "logging_config",
                Block(
                    "logging_config",
                    (),
                    (("log_format", r.log_format), ("log_group", self.ref(r.log_group))),
                ),
            )
        )
        if r.subnet_ids:
            vpc = (
                ("subnet_ids", list(r.subnet_ids)),
                ("security_group_ids", list(r.security_group_ids)),
            )
            body.append(("vpc_config", Block("vpc_config", (), vpc)))
        body.append(("tags", TAGS))
        invoke: list[tuple[str, Any]] = [
            ("function_name", Expr(f"aws_lambda_function.{r.tf}.function_name")),
            ("maximum_retry_attempts", r.retries),
            ("maximum_event_age_in_seconds", r.max_event_age_seconds),
        ]
        if r.on_failure:
            on_failure = Block("on_failure", (), (("destination", self.ref(r.on_failure)),))
            invoke.append(
                ("destination_config", Block("destination_config", (), (("", on_failure),)))
            )
        return [
            obj,
            Block("resource", ("aws_lambda_function", r.tf), tuple(body), comment=r.description),
            Block("resource", ("aws_lambda_function_event_invoke_config", r.tf), tuple(invoke)),
        ]

    def state_machine(self, r: StateMachine) -> list[Block]:
        # The shared definition file; its ${…} placeholders are replaced by the values.
        text = f'file("${{path.module}}/{self.up}/{r.definition_path}")'
        for name, v in r.substitutions:
            placeholder = "$${" + name + "}"
            text = f'replace({text}, "{placeholder}", {self.value(v).text})'
        return [
            Block(
                "resource",
                ("aws_sfn_state_machine", r.tf),
                (
                    ("name", r.name),
                    ("role_arn", self.ref(r.role)),
                    ("type", r.type),
                    ("definition", Expr(text)),
                    *self.sfn_logging(r),
                    *(("", Comment(f"checkov:skip={i}:{why}")) for i, why in r.scanner_skips),
                    ("tags", TAGS),
                ),
                comment=f"{r.source}, run by EC2 Run Command",
            )
        ]

    def sfn_logging(self, r: StateMachine) -> list[tuple[str, Any]]:
        if r.log_group is None:
            return []
        config = (
            ("log_destination", self.ref(r.log_group)),
            ("include_execution_data", r.include_execution_data),
            ("level", r.log_level),
        )
        return [("logging_configuration", Block("logging_configuration", (), config))]

    def schedule(self, r: Schedule) -> list[Block]:
        retry = Block(
            "retry_policy",
            (),
            (
                ("maximum_retry_attempts", r.retry.attempts),
                ("maximum_event_age_in_seconds", r.retry.max_event_age_seconds),
            ),
        )
        target = Block(
            "target",
            (),
            (
                ("arn", self.ref(r.target)),
                ("role_arn", self.ref(r.role)),
                ("input", r.input),
                ("", retry),
                *self.dead_letter(r),
            ),
        )
        return [
            Block(
                "resource",
                ("aws_scheduler_schedule", r.tf),
                (
                    ("name", r.name),
                    ("description", r.description),
                    ("schedule_expression", r.expression),
                    ("schedule_expression_timezone", r.timezone),
                    ("state", policy.state(r.enabled)),
                    ("", Block("flexible_time_window", (), (("mode", r.flexible_window),))),
                    ("", target),
                ),
            )
        ]

    def dead_letter(self, r: Schedule | Rule) -> list[tuple[str, Any]]:
        if r.dead_letter is None:
            return []
        return [("", Block("dead_letter_config", (), (("arn", self.ref(r.dead_letter)),)))]

    def queue(self, r: Queue) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_sqs_queue", r.tf),
                (
                    ("message_retention_seconds", r.retention_seconds),
                    ("sqs_managed_sse_enabled", r.managed_sse),
                    ("tags", TAGS),
                ),
                comment=r.comment,
            )
        ]

    def queue_policy(self, r: QueuePolicy) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_sqs_queue_policy", r.tf),
                (
                    ("queue_url", self.ref(r.queue)),
                    ("policy", self.policy_document(r.statements)),
                ),
            )
        ]

    def alarm(self, r: Alarm) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_cloudwatch_metric_alarm", r.tf),
                (
                    ("alarm_name", r.name),
                    ("alarm_description", r.description),
                    ("namespace", r.namespace),
                    ("metric_name", r.metric),
                    ("dimensions", {k: self.value(v) for k, v in r.dimensions}),
                    ("statistic", r.statistic),
                    ("period", r.period),
                    ("evaluation_periods", r.evaluation_periods),
                    ("threshold", r.threshold),
                    ("comparison_operator", r.comparison),
                    ("treat_missing_data", r.missing_data),
                    ("alarm_actions", [self.ref(a) for a in r.actions]),
                    ("tags", TAGS),
                ),
            )
        ]

    def rule(self, r: Rule) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_cloudwatch_event_rule", r.tf),
                (
                    ("name", r.name),
                    ("description", r.description),
                    ("schedule_expression", r.expression),
                    ("state", policy.state(r.enabled)),
                    ("tags", TAGS),
                ),
            ),
            Block(
                "resource",
                ("aws_cloudwatch_event_target", r.tf),
                (
                    ("rule", Expr(f"aws_cloudwatch_event_rule.{r.tf}.name")),
                    ("target_id", r.target_id),
                    ("arn", self.ref(r.target)),
                    *(
                        [
                            (
                                "retry_policy",
                                Block(
                                    "retry_policy",
                                    (),
                                    (
                                        ("maximum_retry_attempts", r.retry.attempts),
                                        (
                                            "maximum_event_age_in_seconds",
                                            r.retry.max_event_age_seconds,
                                        ),
                                    ),
                                ),
                            )
                        ]
                        if r.retry
                        else []
                    ),
                    *self.dead_letter(r),
                ),
            ),
        ]

    def permission(self, r: Permission) -> list[Block]:
        return [
            Block(
                "resource",
                ("aws_lambda_permission", r.tf),
                (
                    ("statement_id", r.statement_id),
                    ("action", r.action),
                    ("function_name", self.ref(r.function)),
                    ("principal", r.principal),
                    ("source_arn", self.ref(r.source)),
                ),
            )
        ]

    def main(self) -> list[Block]:
        blocks = [
            Block("data", ("aws_caller_identity", "current"), ()),
            Block("data", ("aws_partition", "current"), ()),
            Block("data", ("aws_region", "current"), ()),
            *(self.artifacts() if self.base else []),
        ]
        writers: dict[type, Callable[[Any], list[Block]]] = {
            Role: self.role,
            LogGroup: self.log_group,
            Layer: self.layer,
            Table: self.table,
            Key: self.key,
            Topic: self.topic,
            Subscription: self.subscription,
            Function: self.function,
            StateMachine: self.state_machine,
            Schedule: self.schedule,
            Rule: self.rule,
            Permission: self.permission,
            Queue: self.queue,
            QueuePolicy: self.queue_policy,
            Alarm: self.alarm,
        }
        for r in self.scope:
            blocks += writers[type(r)](r)
        return blocks

    def outputs(self, outputs: tuple[Output, ...]) -> list[Block]:
        """A group's functions and state machines; the base's runtime layer."""
        groups = {
            "functions": ("function_arns", "Lambda function ARN of each migrated job."),
            "state_machines": (
                "state_machine_arns",
                "Step Functions state machine ARN of each job run by EC2 Run Command.",
            ),
        }
        out = []
        for group, (name, text) in groups.items():
            values = {o.key: self.ref(o.value) for o in outputs if o.group == group}
            if values or not self.base:
                out.append(Block("output", (name,), (("description", text), ("value", values))))
        layer = next((r for r in self.scope if isinstance(r, Layer)), None)
        if layer is not None:
            out.append(
                Block(
                    "output",
                    ("runtime_layer_arn",),
                    (
                        ("description", "The bash runtime layer."),
                        ("value", self.ref(Ref(layer.id))),
                    ),
                )
            )
        return out

    def base_output(self, params: dict[str, Ref]) -> Block:
        """What the groups' roots take from the base root (``var.base``): one map, so that
        ``deploy-terraform.sh`` passes it on with one ``terraform output -json base``."""
        values: dict[str, Any] = {BUCKET: Expr("aws_s3_bucket.artifacts.id")}
        values.update({name: self.ref(r) for name, r in sorted(params.items())})
        return Block(
            "output",
            ("base",),
            (
                ("description", "The values the groups' roots take (var.base)."),
                ("value", values),
            ),
        )


def group_dir(name: str) -> str:
    return f"terraform/groups/{name}"


def render(stack: Stack, files: str, lock_table: str = "cronmigrate-locks") -> Artifacts:
    """A base root (``terraform/base``: the artifact bucket, runtime layer, lock table,
    topics, key) and a root per group (``terraform/groups/<name>``: its jobs), each with its
    own small state, applied by ``terraform/deploy-terraform.sh``: the base, then the groups
    in parallel. One root of 1,000 jobs took ~20 minutes to apply: Terraform's local state
    manager rewrites (and fsyncs) the whole state file after every resource, under the
    state's lock (terraform internal/backend/local StateHook, statemgr.Filesystem), so each
    write grows with the state and no two resources finish at once."""
    by_id = stack.by_id()  # once: a stack of 5,000 jobs has 20,000 resources
    out: Artifacts = {}
    params: dict[str, Ref] = {}
    for g in stack.groups:
        w = _Writer(stack, g.resources, "../../..", by_id)
        where = group_dir(g.name)
        head = (
            f"Generated by cronmigrate {__version__} from {files}; regenerate rather than "
            f"edit.\n{g.description}\nDeploy: ../../deploy-terraform.sh apply"
        )
        out |= _root(where, head, w, w.outputs(g.outputs), lock_table)
        params.update(w.params)
    base = _Writer(stack, stack.resources, "../..", by_id, base=True)
    head = (
        f"Generated by cronmigrate {__version__} from {files}; regenerate rather than edit.\n"
        "The base root: what every group's root uses. Deploy: ../deploy-terraform.sh apply"
    )
    outputs = [*base.outputs(stack.outputs), base.base_output(params)]
    out |= _root("terraform/base", head, base, outputs, lock_table)
    out["terraform/deploy-terraform.sh"] = Artifact.text(
        render_template(
            "terraform/deploy-terraform.sh.j2",
            version=__version__,
            groups=[g.name for g in stack.groups],
        ),
        0o755,
    )
    return out


def _root(where: str, head: str, w: _Writer, outputs: list[Block], lock_table: str) -> Artifacts:
    """One root's four files; ``w`` the root's writer (its resources, and where dist/ is)."""
    note = f"Generated by cronmigrate {__version__}; regenerate rather than edit."
    return {
        f"{where}/versions.tf": Artifact.text(
            render_template("terraform/versions.tf.j2", version=__version__)
        ),
        f"{where}/variables.tf": Artifact.text(
            render_template(
                "terraform/variables.tf.j2",
                version=__version__,
                lock_table=lock_table,
                group=not w.base,
                up=w.up,
            )
        ),
        f"{where}/main.tf": Artifact.text(document(head, w.main())),
        f"{where}/outputs.tf": Artifact.text(document(note, outputs)),
    }
