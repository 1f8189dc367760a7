#!/usr/bin/env bash
# `make demo`: start Kafka and the four services, run the simulator, print the report.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
deploy/kafka/kafka.sh up
scripts/services.sh start
exec .venv/bin/banso-sim demo "$@"
