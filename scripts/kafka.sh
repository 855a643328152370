#!/usr/bin/env bash
# A real Apache Kafka broker for tests and demos, without Docker: `npm run kafka -- COMMAND`.
#
#   install   fetch Apache Kafka's jars from Maven Central with mvn into the cache (once), and the
#             JDK, Maven and kcat from Debian if missing
#   start     [--owner PID]  format KRaft storage in a temp folder, start one combined broker/controller
#             on 127.0.0.1 on free ports, wait until it answers metadata requests, print
#             BOOTSTRAP=127.0.0.1:PORT (and PID=, DIR=, READY_SECONDS=). With --owner the broker is
#             stopped when process PID exits (tests pass their own pid so a crash leaks no broker).
#   stop      stop the broker by its PID and remove its temp folder
#   status    say whether it runs (exit 0) or not (exit 3)
#   logs      print the end of the broker's logs
#
# Environment: RDKAFKA_WORKBENCH_KAFKA_STATE  state file (default $CACHE_DIR/kafka.state), so that
#              several brokers can run side by side (the tests use their own);
#              RDKAFKA_WORKBENCH_KAFKA_VERSION  another Apache Kafka 4.x release than the pinned one;
#              RDKAFKA_WORKBENCH_KAFKA_HEAP  -Xmx of the broker (default 512m);
#              RDKAFKA_WORKBENCH_KAFKA_START_TIMEOUT  seconds to wait for ready (default 90).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"

KAFKA_VERSION="${RDKAFKA_WORKBENCH_KAFKA_VERSION:-4.4.0}"
LOG4J_VERSION=2.25.5 # the log4j-core that kafka_2.13 4.4.0 depends on; the slf4j binding must match it
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
STATE="${RDKAFKA_WORKBENCH_KAFKA_STATE:-$CACHE_DIR/kafka.state}"
HEAP="${RDKAFKA_WORKBENCH_KAFKA_HEAP:-512m}"
START_TIMEOUT="${RDKAFKA_WORKBENCH_KAFKA_START_TIMEOUT:-90}"

die() {
  echo "kafka: $*" >&2
  exit 1
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

install_tools() {
  local need=()
  if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then need+=(default-jdk-headless); fi
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  command -v kcat >/dev/null 2>&1 || need+=(kcat)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
  command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] || die "Apache Kafka 4 needs Java 17 or newer; 'java -version' says $(java_major). Install a JDK 17+ and put it first on PATH."
}

# The jars, once per version. Written to a temp folder and renamed, so an interrupted install is redone.
# The lock lives on fd 9 of a subshell only: the broker started later must not inherit it.
install_jars() {
  [ -f "$KAFKA_HOME/.installed" ] && return 0
  (
    flock 9
    [ -f "$KAFKA_HOME/.installed" ] && exit 0
    step "fetching Apache Kafka $KAFKA_VERSION (org.apache.kafka:kafka_2.13 and its dependencies) from Maven Central"
    work="$KAFKA_HOME.partial"
    rm -rf "$work" "$KAFKA_HOME"
    mkdir -p "$work"
    sed -e "s/@KAFKA_VERSION@/$KAFKA_VERSION/" -e "s/@LOG4J_VERSION@/$LOG4J_VERSION/" "$here/kafka/pom.xml.in" >"$work/pom.xml"
    started=$SECONDS
    if ! mvn -B -q -f "$work/pom.xml" -Dmaven.repo.local="$CACHE_DIR/m2" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/libs" >"$work/mvn.log" 2>&1; then
      tail -30 "$work/mvn.log" >&2
      die "mvn could not fetch Apache Kafka $KAFKA_VERSION (full log: $work/mvn.log). Check that Maven Central is reachable."
    fi
    [ -f "$work/libs/kafka_2.13-$KAFKA_VERSION.jar" ] || die "mvn finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $work/libs"
    cp "$here/kafka/log4j2.properties" "$work/log4j2.properties"
    touch "$work/.installed"
    mv "$work" "$KAFKA_HOME"
    step "Apache Kafka $KAFKA_VERSION: $(ls "$KAFKA_HOME/libs" | wc -l) jars, $(du -sh "$KAFKA_HOME/libs" | cut -f1), in $((SECONDS - started)) s ($KAFKA_HOME)"
  ) 9>"$CACHE_DIR/kafka-install.lock"
}

# Closes every inherited file descriptor above 2 in the current (sub)shell. The broker and its watcher
# live long: an inherited lock (a caller's flock) or pipe would otherwise stay held until they exit.
close_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd 2>/dev/null); do
    [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
  done
}

cmd_install() {
  install_tools
  install_jars
  install_cds
}

# Two distinct free loopback ports (the kernel picks them; a race with another process is retried by start).
free_ports() {
  node -e '
    const net = require("net");
    const a = net.createServer(), b = net.createServer();
    a.listen(0, "127.0.0.1", () => b.listen(0, "127.0.0.1", () => {
      console.log(a.address().port, b.address().port); a.close(); b.close();
    }));'
}

# Reads the state file into PID, DIR, BOOTSTRAP; returns 1 when there is none.
read_state() {
  [ -f "$STATE" ] || return 1
  PID=$(sed -n 's/^PID=//p' "$STATE")
  DIR=$(sed -n 's/^DIR=//p' "$STATE")
  BOOTSTRAP=$(sed -n 's/^BOOTSTRAP=//p' "$STATE")
}

# True when PID is a live Kafka broker started from DIR (a recycled PID is never mistaken for it).
is_ours() {
  [ -n "${1:-}" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "kafka.Kafka $2/server.properties"
}

print_logs() {
  local dir=$1
  for f in "$dir/stdout.log" "$dir/server.log"; do
    [ -s "$f" ] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 40 "$f" >&2
  done
}

# Ready = a metadata request answers with our broker in it.
answers_metadata() { kcat -L -b "$1" -m 2 2>/dev/null | grep -q '^ 1 brokers:'; }

# Class-data-sharing archives of the broker's and the storage tool's classes, made once per Kafka version
# and JVM build (an archive from another JVM would be ignored): they halve the start on a busy machine.
cds_dir() { echo "$KAFKA_HOME/cds-$(java -Xshare:auto -version 2>&1 | md5sum | cut -c1-12)"; }

# Formats KRaft storage in DIR and starts the broker there; prints its PID. MODE "record" writes CDS
# archives into DIR when the JVMs exit; otherwise existing archives are used.
launch() {
  local dir=$1 port=$2 cport=$3 mode=${4:-use}
  sed -e "s/@PORT@/$port/g" -e "s/@CONTROLLER_PORT@/$cport/g" -e "s#@DIR@#$dir#g" \
    "$here/kafka/server.properties.in" >"$dir/server.properties"
  # A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what `kafka-storage random-uuid`
  # prints). Like Kafka's Uuid.randomUuid, never one starting with '-': the storage tool would take it for an option.
  local cluster_id=-
  while [ "${cluster_id#-}" != "$cluster_id" ]; do
    cluster_id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  local jvm=(java -Xmx"$HEAP" -Xms128m -XX:+UseSerialGC -Xshare:auto
    -Djava.awt.headless=true -Dkafka.logs.dir="$dir" -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties"
    -cp "$KAFKA_HOME/libs/*")
  local cds fmt_cds=() broker_cds=()
  cds=$(cds_dir)
  if [ "$mode" = record ]; then
    fmt_cds=(-XX:ArchiveClassesAtExit="$dir/format.jsa")
    broker_cds=(-XX:ArchiveClassesAtExit="$dir/broker.jsa")
  elif [ -f "$cds/broker.jsa" ] && [ -f "$cds/format.jsa" ]; then
    fmt_cds=(-XX:SharedArchiveFile="$cds/format.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
    broker_cds=(-XX:SharedArchiveFile="$cds/broker.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
  if ! "${jvm[@]}" "${fmt_cds[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$dir/server.properties" \
    >"$dir/format.log" 2>&1; then
    cat "$dir/format.log" >&2
    return 2
  fi
  # setsid: the broker outlives the shell that started it and is not hit by its terminal's Ctrl-C.
  # (The subshell execs setsid, which execs java without forking: $! is the broker's PID.)
  (
    close_fds
    exec setsid "${jvm[@]}" "${broker_cds[@]}" kafka.Kafka "$dir/server.properties"
  ) >"$dir/stdout.log" 2>&1 </dev/null &
  echo $!
}

# Records the CDS archives once: one broker run from start to ready, then a clean stop (the JVM writes
# the archive as it exits). Optional: without archives the broker only starts slower.
install_cds() {
  local cds
  cds=$(cds_dir)
  [ -f "$cds/broker.jsa" ] && [ -f "$cds/format.jsa" ] && return 0
  (
    flock 9
    [ -f "$cds/broker.jsa" ] && [ -f "$cds/format.jsa" ] && exit 0
    step "recording class-data-sharing archives for a faster broker start (once)"
    dir=$(mktemp -d "${TMPDIR:-/tmp}/rdkafka-workbench-kafka.XXXXXX")
    read -r port cport < <(free_ports)
    started=$SECONDS
    pid=$(launch "$dir" "$port" "$cport" record) || { echo "kafka: (no CDS archives: format failed)" >&2; exit 0; }
    while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - started)) -lt "$START_TIMEOUT" ]; do
      answers_metadata "127.0.0.1:$port" && break
      sleep 0.2
    done
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    if [ -s "$dir/broker.jsa" ] && [ -s "$dir/format.jsa" ]; then
      mkdir -p "$cds.partial"
      mv "$dir/format.jsa" "$dir/broker.jsa" "$cds.partial/"
      rm -rf "$cds" && mv "$cds.partial" "$cds"
      step "CDS archives in $cds ($((SECONDS - started)) s)"
    else
      echo "kafka: could not record CDS archives (the broker only starts slower); logs in $dir" >&2
    fi
    rm -rf "$dir"
  ) 9>"$CACHE_DIR/kafka-install.lock"
}

cmd_start() {
  local owner=""
  while [ $# -gt 0 ]; do
    case $1 in
      --owner) owner=${2:?--owner needs a PID}; shift 2 ;;
      *) die "unknown option to start: $1 (usage: start [--owner PID])" ;;
    esac
  done
  if read_state && is_ours "$PID" "$DIR"; then
    step "already running (PID $PID, logs in $DIR); 'npm run kafka -- stop' first for a fresh one"
    printf 'BOOTSTRAP=%s\nPID=%s\nDIR=%s\n' "$BOOTSTRAP" "$PID" "$DIR"
    return 0
  fi
  if [ -f "$STATE" ]; then # stale: the broker died or the machine restarted
    case $DIR in */rdkafka-workbench-kafka.*) rm -rf "$DIR" ;; esac
    rm -f "$STATE"
  fi
  install_tools >/dev/null
  install_jars
  install_cds
  mkdir -p "$(dirname "$STATE")"

  local t0 dir pid port cport attempt
  t0=$(date +%s%N)
  for attempt in 1 2 3; do
    dir=$(mktemp -d "${TMPDIR:-/tmp}/rdkafka-workbench-kafka.XXXXXX")
    read -r port cport < <(free_ports)
    step "starting Apache Kafka $KAFKA_VERSION on 127.0.0.1:$port (controller :$cport, logs in $dir)"
    pid=$(launch "$dir" "$port" "$cport") || {
      print_logs "$dir"
      die "formatting the KRaft storage failed (logs kept in $dir)"
    }
    printf 'PID=%s\nDIR=%s\nBOOTSTRAP=127.0.0.1:%s\nCONTROLLER=127.0.0.1:%s\nVERSION=%s\n' \
      "$pid" "$dir" "$port" "$cport" "$KAFKA_VERSION" >"$STATE"
    local deadline=$((SECONDS + START_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      if answers_metadata "127.0.0.1:$port"; then
        local ready
        ready=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
        echo "READY_SECONDS=$ready" >>"$STATE"
        [ -z "$owner" ] || watch_owner "$owner" "$pid" "$dir"
        step "ready in ${ready} s"
        printf 'BOOTSTRAP=127.0.0.1:%s\nPID=%s\nDIR=%s\nREADY_SECONDS=%s\n' "$port" "$pid" "$dir" "$ready"
        return 0
      fi
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      print_logs "$dir"
      rm -f "$STATE"
      die "the broker did not answer metadata requests within ${START_TIMEOUT} s (logs kept in $dir)"
    fi
    rm -f "$STATE"
    if grep -q 'Address already in use' "$dir/stdout.log" "$dir/server.log" 2>/dev/null && [ $attempt -lt 3 ]; then
      step "port taken meanwhile; retrying with other ports"
      rm -rf "$dir"
      continue
    fi
    print_logs "$dir"
    die "the broker exited during start (logs kept in $dir)"
  done
}

# Stops the broker once the owner process is gone (checked every second, from a detached shell).
watch_owner() {
  local owner=$1 pid=$2 dir=$3
  (
    close_fds
    exec setsid bash -c '
    while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
    if kill -0 "$2" 2>/dev/null; then RDKAFKA_WORKBENCH_KAFKA_STATE="$4" bash "$5" stop >/dev/null 2>&1; fi
  ' _ "$owner" "$pid" "$dir" "$STATE" "$here/kafka.sh"
  ) </dev/null >/dev/null 2>&1 &
}

cmd_stop() {
  if ! read_state; then
    echo "kafka: not running (no state file $STATE)" >&2
    return 0
  fi
  if is_ours "$PID" "$DIR"; then
    kill -TERM "$PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$PID" 2>/dev/null; then
      step "the broker ignored SIGTERM for 10 s; killing it"
      kill -KILL "$PID" 2>/dev/null || true
      while kill -0 "$PID" 2>/dev/null; do sleep 0.1; done
    fi
    step "stopped the broker (PID $PID)"
  else
    step "the broker (PID $PID) was not running any more; cleaning up"
  fi
  case $DIR in
    */rdkafka-workbench-kafka.*) rm -rf "$DIR" ;;
  esac
  rm -f "$STATE"
}

cmd_status() {
  if read_state && is_ours "$PID" "$DIR"; then
    echo "running: BOOTSTRAP=$BOOTSTRAP PID=$PID DIR=$DIR"
    return 0
  fi
  if [ -f "$STATE" ]; then
    echo "not running (the broker PID $PID has exited; its logs are in $DIR; 'stop' cleans up)"
  else
    echo "not running"
  fi
  return 3
}

cmd_logs() {
  read_state || die "no broker state in $STATE"
  print_logs "$DIR" 2>&1
}

case "${1:-}" in
  install) cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  *)
    echo "usage: npm run kafka -- install|start [--owner PID]|stop|status|logs" >&2
    exit 2
    ;;
esac
