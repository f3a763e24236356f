#!/bin/bash
# Shared settings for the app's batch scripts.
API_URL=${API_URL:-https://api.example.com}
log() { printf '%s %s\n' "$(date -u +%FT%TZ)" "$*"; }
