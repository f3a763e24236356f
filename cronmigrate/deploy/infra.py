"""The neutral infrastructure model: what is deployed, with no output syntax in it.

Plain values, no behaviour (the shape of AWS Chalice's ``deploy/models.py``). One builder
(:mod:`cronmigrate.deploy.stack`) decides every name, property and IAM statement once;
each writer in :mod:`cronmigrate.render` (CloudFormation, SAM, Terraform) only says these
values in its syntax, dispatching on the resource's class.

Every resource carries its CloudFormation logical id (``id``) and its Terraform label
(``tf``), both decided by the builder, so that names exist in one place.

References between resources are :class:`Ref` values (``attr`` is ``arn`` or ``name``);
ARNs built from the deployment's partition, region and account are :class:`Arn` templates;
:data:`ACCOUNT_ID` is the deploying account. A writer turns them into ``Fn::GetAtt``/``Ref``/
``Fn::Sub`` or Terraform references.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias


class Ref(NamedTuple):
    """An attribute of another resource of the same stack: ``arn``, ``name`` or (a queue's)
    ``url``.

    ``log_streams`` (log groups only) is the ARN that covers the group's streams
    (``…:log-group:NAME:*``), the resource of ``logs:PutLogEvents``."""

    id: str
    attr: str = "arn"


class Arn(NamedTuple):
    """An ARN with ``{partition}``, ``{region}`` and ``{account}`` of the deployment."""

    template: str


class AccountId(NamedTuple):
    """The id of the account the stack is deployed in."""


ACCOUNT_ID = AccountId()

Value: TypeAlias = str | int | bool | Ref | Arn | AccountId
# JSON-like documents (IAM conditions, event inputs) whose leaves may be Values.
Doc: TypeAlias = object


class Statement(NamedTuple):
    """A statement of an IAM policy (a trust policy's has a principal and no resources)."""

    actions: tuple[str, ...]
    resources: tuple[Value, ...]
    condition: Doc = None  # {"StringEquals": {"key": value}} or None
    comment: str = ""  # why the statement is as wide as it is
    effect: str = "Allow"
    sid: str = ""
    principal: str = ""  # a service: in a trust policy, or in a resource's own policy
    principal_arn: Value = ""  # an account or role (a key policy's administrators)


class Policy(NamedTuple):
    name: str  # the inline policy's name
    key: str  # a short word for the Terraform label (role label + "_" + key)
    statements: tuple[Statement, ...]


class Role(NamedTuple):
    id: str
    tf: str
    trust: tuple[Statement, ...]  # who may assume it (its trust policy), and on what terms
    name_prefix: str  # Terraform's name_prefix (CloudFormation generates the name)
    policies: tuple[Policy, ...]
    managed_policies: tuple[tuple[str, Arn], ...] = ()  # (key, ARN)


class LogGroup(NamedTuple):
    id: str
    tf: str
    name: str
    retention_days: int


class Code(NamedTuple):
    """A zip in the output directory (``dist/…``) and the SHA-256 of its bytes."""

    path: str
    sha256: str


class Layer(NamedTuple):
    id: str
    tf: str
    name: str
    description: str
    code: Code
    runtimes: tuple[str, ...]
    architectures: tuple[str, ...]


class Function(NamedTuple):
    id: str
    tf: str
    name: str
    description: str
    role: Ref
    runtime: str
    handler: str
    architecture: str
    memory: int
    timeout: int
    code: Code
    layers: tuple[Value, ...]
    log_group: Ref
    environment: tuple[tuple[str, Value], ...]
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    # How Lambda treats asynchronous (scheduled) invocations: its EventInvokeConfig.
    invoke_config_id: str
    retries: int
    on_failure: Ref | None  # an SNS topic told about failed runs
    source: str  # the crontab line, for people reading the output
    # How long a throttled asynchronous invocation may wait before Lambda drops it (its
    # default is 6 hours: a run could start that late).
    max_event_age_seconds: int = 21_600
    log_format: str = "Text"  # what the job prints, as it prints it (not JSON records)


class Table(NamedTuple):
    """The duplicate-delivery guard's table (docs/exactly-once.md)."""

    id: str
    tf: str
    hash_key: str
    ttl_attribute: str
    billing_mode: str = "PAY_PER_REQUEST"  # a write per run: no capacity to provision


class Key(NamedTuple):
    """A customer managed KMS key, with its key policy (``statements``)."""

    id: str
    tf: str
    description: str
    statements: tuple[Statement, ...]
    rotation: bool = True  # a new key material every year, old ones kept for decryption


class Topic(NamedTuple):
    id: str
    tf: str
    display_name: str
    comment: str = ""
    kms_key: Ref | None = None  # server-side encryption with this key


class Subscription(NamedTuple):
    id: str
    tf: str
    topic: Ref
    protocol: str
    endpoint: str


class StateMachine(NamedTuple):
    id: str
    tf: str
    name: str
    role: Ref
    definition_path: str  # the ASL file in the output directory
    definition: Doc  # its content, with ${Name} placeholders
    substitutions: tuple[tuple[str, Value], ...]  # placeholder → value
    source: str
    type: str = "STANDARD"  # runs that wait on a command for up to hours (EXPRESS: 5 min)
    log_group: Ref | None = None  # execution history: errors, without input or output
    log_level: str = "ERROR"
    include_execution_data: bool = False
    # Scanner checks that do not hold for this resource, with the reason (written where
    # checkov reads them: CloudFormation Metadata, a Terraform comment).
    scanner_skips: tuple[tuple[str, str], ...] = ()


class RetryPolicy(NamedTuple):
    attempts: int
    max_event_age_seconds: int


class Queue(NamedTuple):
    """An SQS standard queue: the dead-letter queue of the schedules and rules."""

    id: str
    tf: str
    retention_seconds: int
    comment: str = ""
    managed_sse: bool = True  # encrypted at rest with SQS-owned keys (SSE-SQS)


class QueuePolicy(NamedTuple):
    """A queue's resource policy (EventBridge rules deliver dead letters under it)."""

    id: str
    tf: str
    queue: Ref
    statements: tuple[Statement, ...]


class Alarm(NamedTuple):
    """A CloudWatch alarm: the metric ``comparison`` ``threshold`` over ``evaluation_periods``
    periods of ``period`` seconds notifies ``actions``; ``missing_data`` says what no data
    is (``notBreaching``: no run, no alarm)."""

    id: str
    tf: str
    name: str
    description: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, Value], ...]
    statistic: str
    period: int
    threshold: int
    actions: tuple[Ref, ...]
    evaluation_periods: int = 1
    comparison: str = "GreaterThanThreshold"
    missing_data: str = "notBreaching"


class Schedule(NamedTuple):
    """An EventBridge Scheduler schedule; ``event`` names it within its target (SAM)."""

    id: str
    tf: str
    event: str
    name: str
    description: str
    expression: str
    timezone: str
    enabled: bool
    target: Ref  # a Function or StateMachine
    role: Ref
    input: str
    retry: RetryPolicy
    dead_letter: Ref | None = None  # the SQS queue for runs that could not be delivered
    flexible_window: str = "OFF"  # at the scheduled minute, as cron, not within a window


class Rule(NamedTuple):
    """A classic EventBridge rule (UTC) with the function as its only target."""

    id: str
    tf: str
    event: str
    name: str
    description: str
    expression: str
    enabled: bool
    target: Ref
    target_id: str
    retry: RetryPolicy | None = None  # delivery to the target (EventBridge: 24 h, 185 tries)
    dead_letter: Ref | None = None


class Permission(NamedTuple):
    """Lets a rule invoke a function (a statement in the function's resource policy)."""

    id: str
    tf: str
    function: Ref
    principal: str
    source: Ref
    statement_id: str
    action: str  # lambda:InvokeFunction


class Output(NamedTuple):
    id: str
    group: str  # functions, state_machines, layer: Terraform gathers each into one map
    key: str  # the job's function name (the map's key)
    description: str
    value: Ref


Resource: TypeAlias = (
    Role
    | LogGroup
    | Layer
    | Function
    | Table
    | Key
    | Topic
    | Subscription
    | StateMachine
    | Schedule
    | Rule
    | Permission
    | Queue
    | QueuePolicy
    | Alarm
)


class Group(NamedTuple):
    """Jobs deployed together: a nested stack (``stacks/<name>.yaml``) in CloudFormation and
    SAM, so that no template passes CloudFormation's limits; Terraform writes them flat."""

    id: str  # the nested stack's logical id in the parent
    name: str
    description: str
    resources: tuple[Resource, ...]
    outputs: tuple[Output, ...]


class Stack(NamedTuple):
    description: str
    resources: tuple[Resource, ...]  # the base: runtime layer, lock table, alert topics
    outputs: tuple[Output, ...]
    groups: tuple[Group, ...] = ()
    roles: str = "per-job"  # execution roles: per-job, or per-group (docs/stacks.md)
    roles_reason: str = ""

    def all_resources(self) -> tuple[Resource, ...]:
        return self.resources + tuple(r for g in self.groups for r in g.resources)

    def all_outputs(self) -> tuple[Output, ...]:
        return self.outputs + tuple(o for g in self.groups for o in g.outputs)

    def by_id(self) -> dict[str, Resource]:
        return {r.id: r for r in self.all_resources()}
