#!/bin/bash
# healthcheck: part of the cronmigrate samples.
set -euo pipefail
echo "healthcheck: $*"
