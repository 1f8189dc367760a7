#!/usr/bin/env bash
# A local single-node Kafka (KRaft broker+controller on 127.0.0.1) without Docker: the jars come
# from Maven Central through mvn (see pom.xml), the data lives under ${BANSO_DATA_DIR:-.data}/kafka.
# Run `deploy/kafka/kafka.sh help` for the commands; deploy/kafka/README.md for the details.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
POM=$SCRIPT_DIR/pom.xml

KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n 1)
CACHE_DIR=${BANSO_CACHE_DIR:-$HOME/.cache/banso}
KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
LIBS_DIR=$KAFKA_HOME/libs
STAMP=$KAFKA_HOME/assembled.stamp

DATA_ROOT=${BANSO_DATA_DIR:-.data}
[[ $DATA_ROOT == /* ]] || DATA_ROOT=$REPO_ROOT/$DATA_ROOT
KAFKA_DATA=$DATA_ROOT/kafka
LOG_DIRS=$KAFKA_DATA/data
PROPS=$KAFKA_DATA/server.properties
PID_FILE=$KAFKA_DATA/kafka.pid
LOG_FILE=$DATA_ROOT/logs/kafka.log

PORT=${BANSO_KAFKA_PORT:-9092}
CONTROLLER_PORT=${BANSO_KAFKA_CONTROLLER_PORT:-9093}
LOCAL_BOOTSTRAP=127.0.0.1:$PORT
READY_TIMEOUT=${BANSO_KAFKA_READY_TIMEOUT:-90}
STOP_TIMEOUT=30
PYTHON=${BANSO_PYTHON:-$REPO_ROOT/.venv/bin/python}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# The machine has 2 cores and 24 GB shared with four services, PostgreSQL and the tests: a small
# fixed heap, G1 with Kafka's own pause settings, and no surprise growth.
read -r -a HEAP_OPTS <<<"${BANSO_KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
BROKER_JVM_OPTS=(
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$SCRIPT_DIR/log4j.properties"
)
read -r -a TOOLS_HEAP_OPTS <<<"${BANSO_KAFKA_TOOLS_HEAP_OPTS:--Xmx512m}"
TOOLS_JVM_OPTS=(-Djava.awt.headless=true "-Dlog4j.configuration=file:$SCRIPT_DIR/tools-log4j.properties")

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed ($2)"; }

usage() {
    cat <<EOF
usage: deploy/kafka/kafka.sh COMMAND [ARGS...]

  assemble              fetch Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR (once)
  up                    start the local broker on $LOCAL_BOOTSTRAP and wait until it answers
                        (with KAFKA_BOOTSTRAP_SERVERS set: start nothing, wait for that cluster)
  down                  stop the broker started from this checkout (data is kept)
  restart               down, then up (data is kept)
  status                say whether the broker runs and answers; exit 0 only if it answers
  perf-producer ARGS    org.apache.kafka.tools.ProducerPerformance ARGS
  perf-consumer ARGS    org.apache.kafka.tools.ConsumerPerformance ARGS
  topics ARGS           org.apache.kafka.tools.TopicCommand ARGS (kafka-topics)
EOF
}

# --- assembly ------------------------------------------------------------------------------

pom_digest() { sha256sum "$POM" | cut -d ' ' -f 1; }

# The stamp records the POM it was assembled from, so any change to pom.xml re-assembles.
is_assembled() {
    [[ -f $STAMP && -d $LIBS_DIR ]] && [[ $(<"$STAMP") == "$(pom_digest)" ]]
}

assemble() {
    is_assembled && return 0
    mkdir -p "$KAFKA_HOME"
    # Two callers (make setup and make kafka-up in parallel) must not interleave copies.
    exec 8>"$KAFKA_HOME/.assemble.lock"
    flock -w 600 8 || die "another assemble has held $KAFKA_HOME/.assemble.lock for 10 minutes"
    if ! is_assembled; then
        need mvn "apt-get install maven"
        need "$JAVA" "apt-get install openjdk-17-jre-headless"
        log "assembling Kafka $KAFKA_VERSION from Maven Central into $LIBS_DIR"
        local staging=$KAFKA_HOME/libs.partial
        rm -rf "$staging"
        mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies "-Dkafka.libs.dir=$staging" >&2 ||
            die "mvn could not fetch the Kafka jars (is Maven Central reachable?)"
        [[ -f $staging/kafka_2.13-$KAFKA_VERSION.jar && -f $staging/kafka-tools-$KAFKA_VERSION.jar ]] ||
            die "mvn finished but the Kafka jars are missing from $staging"
        rm -rf "$LIBS_DIR"
        mv "$staging" "$LIBS_DIR"
        pom_digest >"$STAMP"
        log "assembled $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars"
    fi
    exec 8>&-
}

# --- broker process ------------------------------------------------------------------------

# Prints the pid of the broker this checkout started, if it is still alive. The command-line check
# guards against a stale pid file whose number now belongs to some other process.
running_pid() {
    [[ -f $PID_FILE ]] || return 1
    local pid
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "kafka.Kafka $PROPS" || return 1
    printf '%s\n' "$pid"
}

check_python() {
    [[ -x $PYTHON ]] || die "no Python at $PYTHON: run 'uv sync --all-packages' in $REPO_ROOT first (or set BANSO_PYTHON)"
}

# wait_ready BOOTSTRAP TIMEOUT [wait_ready.py options...]
wait_ready() {
    check_python
    local bootstrap=$1 timeout=$2
    shift 2
    "$PYTHON" "$SCRIPT_DIR/wait_ready.py" --bootstrap-servers "$bootstrap" --timeout "$timeout" "$@"
}

answers() { wait_ready "$1" 0 2>/dev/null; }

# Lock per data directory: two concurrent `up`s must not start two brokers on the same files.
lock_data_dir() {
    mkdir -p "$KAFKA_DATA"
    exec 9>"$KAFKA_DATA/.kafka.sh.lock"
    flock -w $((READY_TIMEOUT + STOP_TIMEOUT + 30)) 9 ||
        die "another kafka.sh is still holding $KAFKA_DATA/.kafka.sh.lock"
}

render_properties() {
    local escaped
    escaped=$(printf '%s' "$LOG_DIRS" | sed -e 's/[|&\\]/\\&/g')
    sed -e "s|@PORT@|$PORT|g" \
        -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
        -e "s|@LOG_DIRS@|$escaped|g" \
        "$SCRIPT_DIR/server.properties.template" >"$PROPS.tmp"
    mv "$PROPS.tmp" "$PROPS"
}

# KRaft storage is formatted exactly once; meta.properties marks a formatted log directory.
format_storage() {
    [[ -f $LOG_DIRS/meta.properties ]] && return 0
    local cluster_id
    cluster_id=$("$JAVA" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS_DIR/*" kafka.tools.StorageTool random-uuid)
    log "formatting KRaft storage in $LOG_DIRS (cluster id $cluster_id)"
    "$JAVA" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS_DIR/*" kafka.tools.StorageTool \
        format --cluster-id "$cluster_id" --config "$PROPS" >>"$LOG_FILE" 2>&1 ||
        die "formatting KRaft storage failed; see $LOG_FILE"
}

rotate_log() {
    [[ -f $LOG_FILE ]] || return 0
    local size
    size=$(stat -c %s "$LOG_FILE")
    ((size < 50 * 1024 * 1024)) || mv -f "$LOG_FILE" "$LOG_FILE.1"
}

# A broker keeps files open for every partition's segments and indexes: with the soft limit many
# distributions set (1,024) a few hundred topics exhaust it, the log directory is marked failed
# and the broker stops. The JVM gets the hard limit, and a warning says when even that is low.
raise_open_files() {
    local hard
    hard=$(ulimit -Hn)
    if [[ $hard != unlimited ]] && ((hard < 10000)); then
        log "warning: open-file limit $hard; a broker holding thousands of partitions can exhaust it (raise 'nofile' or delete old topics)"
    fi
    ulimit -n "$hard" 2>/dev/null || true
}

start_broker() {
    mkdir -p "$LOG_DIRS" "$(dirname "$LOG_FILE")"
    raise_open_files
    rotate_log
    render_properties
    format_storage
    printf '=== kafka.sh: starting Kafka %s at %s ===\n' "$KAFKA_VERSION" "$(date -Is)" >>"$LOG_FILE"
    # setsid: the broker outlives the shell (and the Ctrl-C) that started it. In a script job
    # control is off, so setsid execs in place and $! is the JVM's own pid. The lock descriptors
    # are closed for the JVM, or it would hold the locks for its whole life.
    setsid nohup "$JAVA" "${HEAP_OPTS[@]}" "${BROKER_JVM_OPTS[@]}" -cp "$LIBS_DIR/*" \
        kafka.Kafka "$PROPS" </dev/null >>"$LOG_FILE" 2>&1 8>&- 9>&- &
    printf '%s\n' "$!" >"$PID_FILE"
    log "started Kafka $KAFKA_VERSION (pid $!) on $LOCAL_BOOTSTRAP; log $LOG_FILE"
}

wait_local_ready() {
    local pid=$1 status=0
    # After a restart the controller re-elects this broker for its partitions only once it is
    # unfenced; clients that start right after `up` must not meet leaderless partitions.
    wait_ready "$LOCAL_BOOTSTRAP" "$READY_TIMEOUT" --pid "$pid" --require-leaders || status=$?
    ((status == 0)) && { log "Kafka answers on $LOCAL_BOOTSTRAP"; return 0; }
    log "last lines of $LOG_FILE:"
    tail -n 40 "$LOG_FILE" >&2 || true
    if ((status == 2)); then
        rm -f "$PID_FILE"
        die "the broker exited during startup"
    fi
    die "the broker (pid $pid) did not answer within ${READY_TIMEOUT}s; it is left running, stop it with 'deploy/kafka/kafka.sh down'"
}

cmd_up() {
    if [[ -n ${KAFKA_BOOTSTRAP_SERVERS:-} ]]; then
        log "KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS: starting nothing, waiting for that cluster"
        wait_ready "$KAFKA_BOOTSTRAP_SERVERS" "$READY_TIMEOUT" ||
            die "$KAFKA_BOOTSTRAP_SERVERS did not answer within ${READY_TIMEOUT}s"
        return 0
    fi
    check_python
    lock_data_dir
    local pid
    if pid=$(running_pid); then
        # Ours and alive, perhaps still starting: just wait for it.
        wait_local_ready "$pid"
        return 0
    fi
    if answers "$LOCAL_BOOTSTRAP"; then
        log "a broker already answers on $LOCAL_BOOTSTRAP; not starting another"
        return 0
    fi
    assemble
    start_broker
    wait_local_ready "$(<"$PID_FILE")"
}

cmd_down() {
    lock_data_dir
    local pid
    if ! pid=$(running_pid); then
        rm -f "$PID_FILE"
        log "no broker from this checkout is running"
        return 0
    fi
    log "stopping Kafka (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        log "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_status() {
    local bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-$LOCAL_BOOTSTRAP} pid
    if [[ -z ${KAFKA_BOOTSTRAP_SERVERS:-} ]]; then
        if pid=$(running_pid); then
            echo "local broker: running (pid $pid), Kafka $KAFKA_VERSION, data $KAFKA_DATA"
        else
            echo "local broker: not running from this checkout"
        fi
    fi
    check_python
    if answers "$bootstrap"; then
        echo "$bootstrap: answers metadata requests"
    else
        echo "$bootstrap: does not answer"
        return 3
    fi
}

run_tool() {
    assemble
    exec "$JAVA" "${TOOLS_HEAP_OPTS[@]}" "${TOOLS_JVM_OPTS[@]}" -cp "$LIBS_DIR/*" "$@"
}

main() {
    [[ -n $KAFKA_VERSION ]] || die "cannot read kafka.version from $POM"
    local cmd=${1:-help}
    (($# > 0)) && shift
    case $cmd in
    assemble) assemble ;;
    up) cmd_up ;;
    down) cmd_down ;;
    restart) cmd_down && cmd_up ;;
    status) cmd_status ;;
    perf-producer) run_tool org.apache.kafka.tools.ProducerPerformance "$@" ;;
    perf-consumer) run_tool org.apache.kafka.tools.ConsumerPerformance "$@" ;;
    topics) run_tool org.apache.kafka.tools.TopicCommand "$@" ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
