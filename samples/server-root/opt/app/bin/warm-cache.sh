#!/bin/bash
# Ask the local web server to rebuild its cache.
set -euo pipefail
curl -fsS http://localhost/cache/warm
