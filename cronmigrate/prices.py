"""AWS prices the cost estimate uses: us-east-1, on-demand, USD, as published on each
service's pricing page on the date below. Override any of them under ``prices:`` in
cronmigrate.yaml. An estimate: it leaves out data transfer, logs ingestion and taxes."""

from __future__ import annotations

REGION = "us-east-1"
AS_OF = "2026-11-26"

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
