#!/bin/bash
# quarterly: part of the cronmigrate samples.
set -euo pipefail
echo "quarterly: $*"
