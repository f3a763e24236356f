"""Facts about AWS that the generated output depends on, each with its source."""

from __future__ import annotations

# Lambda quotas ("Lambda quotas", AWS Lambda developer guide): memory 128-10,240 MB,
# timeout up to 900 seconds; function names up to 64 characters of [A-Za-z0-9-_]
# (CreateFunction API reference, FunctionName).
MEMORY_MIN_MB = 128
MEMORY_MAX_MB = 10_240
TIMEOUT_MAX_S = 900
FUNCTION_NAME_MAX = 64
FUNCTION_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

# Lengths of names and descriptions AWS accepts: a function's Description up to 256
# characters (CreateFunction API reference); an alarm's name up to 255, its description up
# to 1,024 (PutMetricAlarm API reference); a template's Description up to 1,024
# (CloudFormation User Guide, "Template format: Description"); a schedule's and a rule's name
# up to 64 (CreateSchedule, PutRule); a role's name up to 64 (IAM quotas, "IAM name
# requirements"), of which Terraform's name_prefix may take 38, since the AWS provider adds a
# 26-character unique suffix (terraform-provider-aws, internal/service/iam/role.go).
DESCRIPTION_MAX = 256
ALARM_NAME_MAX = 255
ALARM_DESCRIPTION_MAX = 1_024
TEMPLATE_DESCRIPTION_MAX = 1_024
SCHEDULE_NAME_MAX = 64
ROLE_NAME_MAX = 64
ROLE_NAME_PREFIX_MAX = 38

# SNS Publish (SNS API Reference, Publish): a Subject of at most 100 printable ASCII
# characters without line breaks; a Message of at most 262,144 bytes (256 KiB) of UTF-8.
SNS_SUBJECT_MAX = 100
SNS_MESSAGE_MAX = 262_144

# Architectures (CreateFunction API reference, Architectures).
ARCHITECTURES = ("x86_64", "arm64")

# The OS-only runtime built on Amazon Linux 2023 ("Building a custom runtime",
# "Lambda runtimes": identifier provided.al2023).  A layer's files are extracted to /opt;
# a runtime in a layer is found as /opt/bootstrap when the function has none of its own
# ("Using layers for a custom runtime").
RUNTIME = "provided.al2023"

# Python jobs run on Lambda's managed Python runtime, which has python3 (/var/lang/bin) and
# the AWS SDK for Python ("Building Lambda functions with Python"). python3.13 is supported
# until June 2029 ("Lambda runtimes", supported runtimes); python3.14 is newer, but the
# hashicorp/aws provider accepts it only in releases after 5.100, which many users pin.
# Python 3.12 and later runtimes are built on provided.al2023 (the AL2023 minimal image with
# bash), so the same bash runtime runs the job: the runtime's startup is handed to it with a
# wrapper script, AWS_LAMBDA_EXEC_WRAPPER ("Modifying the runtime environment: wrapper
# scripts", supported on the Python runtimes).
PYTHON_RUNTIME = "python3.13"
PYTHON_VERSION = "3.13"
EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"

# CloudWatch Logs PutRetentionPolicy, retentionInDays: the allowed values.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# EventBridge Scheduler RetryPolicy: MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds
# 60-86400 (EventBridge Scheduler API reference, RetryPolicy).
SCHEDULER_RETRIES_MAX = 185
EVENT_AGE_MIN_S = 60
EVENT_AGE_MAX_S = 86_400

# Lambda asynchronous invocation (EventBridge invokes asynchronously): retries of a failed
# invocation, 0-2 (PutFunctionEventInvokeConfig, MaximumRetryAttempts).
ASYNC_RETRIES_MAX = 2

# EventBridge Scheduler passes context attributes into the target input
# ("Using context attributes", EventBridge Scheduler user guide).
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
SCHEDULE_ARN = "<aws.scheduler.schedule-arn>"
EXECUTION_ID = "<aws.scheduler.execution-id>"

# CloudFormation quotas ("Understand CloudFormation quotas", AWS CloudFormation User Guide,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
# resources, outputs and parameters per template; a template body in the request; a
# template read from S3; stacks per account (a default quota, raised on request).
CFN_RESOURCES_MAX = 500
CFN_OUTPUTS_MAX = 200
CFN_PARAMETERS_MAX = 200
CFN_TEMPLATE_BODY_MAX = 51_200
CFN_TEMPLATE_S3_MAX = 1_000_000
CFN_STACKS_DEFAULT = 2_000

# IAM roles per account: 1,000 by default ("IAM and AWS STS quotas", IAM User Guide,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
IAM_ROLES_DEFAULT = 1_000
# What one deployment may use of it with per-job execution roles (roles: auto): the rest is
# left for the account's own roles; beyond it each nested stack's functions share a role.
ROLES_BUDGET = 800
# A role's inline policies together: 10,240 characters, whitespace not counted (same page).
ROLE_POLICY_CHARS_MAX = 10_240
# The length an ARN of one of the deployment's resources is counted with when a policy's size
# is estimated before deploying: a log group's (its name up to 64 + 12 characters) in the
# longest partition and region.
ARN_MAX_ESTIMATE = 110
# EventBridge rules per event bus: 300 by default ("Amazon EventBridge quotas",
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
EVENTBRIDGE_RULES_DEFAULT = 300
# EventBridge Scheduler schedules per account and Region: 1,000,000 by default ("Quotas for
# EventBridge Scheduler", https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html).
SCHEDULER_SCHEDULES_DEFAULT = 1_000_000

# Lambda concurrent executions per account and Region: 1,000 by default, raised through
# Service Quotas; new accounts start lower ("Lambda quotas",
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). An asynchronous
# invocation beyond it is throttled and retried for up to the event's maximum age ("How Lambda
# handles errors and retries with asynchronous invocation",
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
LAMBDA_CONCURRENCY_DEFAULT = 1_000
# EventBridge Scheduler's invocations throttle limit: 1,000 per second by default in the
# primary Regions, fewer in others ("Quotas for EventBridge Scheduler", above).
SCHEDULER_INVOCATIONS_PER_SECOND = 1_000

# The cron() grammar ("Cron expressions reference", Amazon EventBridge User Guide,
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):
# six fields, values and wildcards per field, one of day-of-month/day-of-week is '?'.
CRON_FIELDS = (
    ("minutes", 0, 59, ",-*/"),
    ("hours", 0, 23, ",-*/"),
    ("day-of-month", 1, 31, ",-*?/LW"),
    ("month", 1, 12, ",-*/"),
    ("day-of-week", 1, 7, ",-*?L#"),
    ("year", 1970, 2199, ",-*/"),
)
# ScheduleExpression of a rule or schedule: up to 256 characters (PutRule, CreateSchedule).
SCHEDULE_EXPRESSION_MAX = 256

# ---------------------------------------------------------------- prices
# AWS prices the cost estimate uses: us-east-1, on-demand, USD, as published on each
# service's pricing page on the date below. Override any of them under ``prices:`` in
# cronmigrate.yaml. An estimate: it leaves out data transfer, logs ingestion and taxes.

PRICES_REGION = "us-east-1"
PRICES_AS_OF = "2026-11-26"

PRICES: dict[str, float] = {
    # https://aws.amazon.com/eventbridge/pricing/ (Scheduler): $1.00 per million scheduled
    # invocations after the first 14 million of each month
    "scheduler_per_invocation": 1.00e-6,
    # https://aws.amazon.com/eventbridge/pricing/: a rule's own schedule puts no event on a
    # bus, which is what EventBridge bills
    "rule_per_invocation": 0.0,
    # https://aws.amazon.com/lambda/pricing/: $0.20 per million requests
    "lambda_per_request": 0.20e-6,
    # https://aws.amazon.com/lambda/pricing/: per GB-second, x86_64 and arm64 (first tier)
    "lambda_per_gb_second_x86_64": 0.0000166667,
    "lambda_per_gb_second_arm64": 0.0000133334,
    # https://aws.amazon.com/dynamodb/pricing/on-demand/: $0.625 per million write request
    # units; the duplicate guard writes one item (under 1 KB) per run
    "dynamodb_per_write": 0.625e-6,
    # https://aws.amazon.com/step-functions/pricing/: $0.025 per 1,000 state transitions
    "stepfunctions_per_transition": 0.000025,
    # https://aws.amazon.com/cloudwatch/pricing/: $0.10 per standard-resolution alarm metric
    "alarm_per_month": 0.10,
}

# Monthly free tiers, shown apart and never subtracted (an account's other work uses them).
FREE_TIERS: dict[str, str] = {
    "scheduler": "14 million invocations",
    "lambda": "1 million requests and 400,000 GB-seconds",
    "stepfunctions": "4,000 state transitions",
    "alarms": "10 alarm metrics",
}
