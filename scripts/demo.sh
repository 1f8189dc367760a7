#!/usr/bin/env bash
# `make demo`: start Kafka, then `banso-sim demo` starts the four services and the console (with
# its local Jira, Slack and SMTP stand-ins configured), simulates 90 days of a B2B SaaS through
# ingest, waits for the services to catch up, prints the report (HTML under .data/demo/) and the
# console's URL with a demo user's sign-in. The services and the console keep running; `make stop`
# stops them. Extra arguments go to `banso-sim demo`, e.g. `--seed 11`, or `--no-keep-running` to
# stop everything at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
deploy/kafka/kafka.sh up
exec .venv/bin/banso-sim demo --keep-running "$@"
