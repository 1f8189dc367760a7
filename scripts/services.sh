#!/usr/bin/env bash
# Start or stop the four services and the console as background processes of this checkout.
#   services.sh start   start those not running; return when every /readyz answers 200
#   services.sh stop    SIGTERM them (graceful: batches in flight commit), SIGKILL after 30 s
#   services.sh status
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="${BANSO_DATA_DIR:-.data}"
LOGS="$DATA/logs"
RUN="$DATA/run"
SERVICES=(ingest:8001 scoring:8002 bridge:8003 notify:8004 console:8000)
mkdir -p "$LOGS" "$RUN"

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

start() {
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if alive "$name"; then continue; fi
    nohup .venv/bin/banso-"$name" serve >>"$LOGS/$name.log" 2>&1 &
    echo $! >"$RUN/$name.pid"
  done
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"; port="${entry##*:}"
    var="$(echo "$name" | tr a-z A-Z)_PORT"; port="${!var:-$port}"
    # A fresh checkout's first start compiles bytecode and loads the Japanese dictionary: allow
    # two minutes. Once /readyz has answered 200 the service is up (a later check may still see a
    # busy first batch, so it is not asked twice).
    ready=""
    for _ in $(seq 1 240); do
      if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=1; break; fi
      if ! alive "$name"; then
        echo "$name exited; last lines of $LOGS/$name.log:" >&2; tail -20 "$LOGS/$name.log" >&2; exit 1
      fi
      sleep 0.5
    done
    if [ -z "$ready" ]; then
      echo "$name is not ready on :$port after 120 s: $(curl -sS "http://127.0.0.1:$port/readyz" 2>&1) (see $LOGS/$name.log)" >&2
      exit 1
    fi
    if [ "$name" = console ]; then
      echo "console ready on http://127.0.0.1:$port (users: .venv/bin/banso-console create-user)"
    else
      echo "$name ready on http://127.0.0.1:$port (docs: /docs)"
    fi
  done
}

stop() {
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if alive "$name"; then kill -TERM "$(cat "$RUN/$name.pid")" 2>/dev/null || true; fi
  done
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    for _ in $(seq 1 60); do alive "$name" || break; sleep 0.5; done
    if alive "$name"; then kill -KILL "$(cat "$RUN/$name.pid")" 2>/dev/null || true; fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}"
    if alive "$name"; then echo "$name running (pid $(cat "$RUN/$name.pid"))"; else echo "$name stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
