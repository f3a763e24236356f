#!/bin/bash
# notify: part of the cronmigrate samples.
set -euo pipefail
echo "notify: $*"
