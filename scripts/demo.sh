#!/usr/bin/env bash
# `make demo`: start Kafka, then `banso-sim demo` starts the four services (with its local Jira,
# Slack and SMTP stand-ins configured), simulates 90 days of a B2B SaaS through ingest, waits for
# the services to catch up and prints the report (HTML under .data/demo/). Extra arguments go to
# `banso-sim demo`, e.g. `scripts/demo.sh --keep-running` or `--seed 11`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
deploy/kafka/kafka.sh up
exec .venv/bin/banso-sim demo "$@"
