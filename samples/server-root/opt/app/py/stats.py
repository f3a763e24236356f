#!/usr/bin/python3
"""Yesterday's figures from the report the hourly job keeps: the standard library only."""

import datetime
import json
import statistics

from figures import SAMPLE

day = datetime.date(2026, 3, 1)
print(json.dumps({"day": day.isoformat(), "mean": statistics.mean(SAMPLE)}))
