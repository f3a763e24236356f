#!/bin/bash
# weekly-report: part of the cronmigrate samples.
set -euo pipefail
echo "weekly-report: $*"
