# shellcheck shell=bash
# Shared settings and helpers of the loopback OpenStack target. Sourced by install.sh,
# start.sh, stop.sh and status.sh; never run on its own.

OS_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_ROOT="$(cd "$OS_SCRIPTS/../.." && pwd)"
# Everything the target writes lives below this one folder (gitignored via .state/).
STATE="$PROJECT_ROOT/.state/openstack"
ETC="$STATE/etc"
DATA="$STATE/data"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
RUN="$STATE/run"
TARGET_JSON="$STATE/target.json"
SECRETS="$STATE/secrets.env"
LOCK="$STATE/.lock"

# python3 on PATH may be another interpreter (pyenv): OpenStack needs Debian's.
PY=/usr/bin/python3
LOOPBACK=127.0.0.1
unset PYTHONPATH PYTHONHOME

# Start order; stop runs the OpenStack services first and the infrastructure last.
INFRA_SERVICES=(epmd mariadb rabbitmq neutron-stub glance-stub)
OPENSTACK_SERVICES=(keystone placement cinder-api cinder-scheduler cinder-volume
  nova-api nova-conductor nova-scheduler nova-compute)
ALL_SERVICES=("${INFRA_SERVICES[@]}" "${OPENSTACK_SERVICES[@]}")

# TCP ports each service listens on (all bound to 127.0.0.1).
declare -A SERVICE_PORTS=(
  [epmd]=4369 [mariadb]=3306 [rabbitmq]="5672 25672" [neutron-stub]=9696 [glance-stub]=9292
  [keystone]=5000 [placement]=8778 [cinder-api]=8776 [nova-api]=8774
)

# Marker put in each service's environment so that stop/status can tell a recorded PID
# still belongs to this target (PIDs get reused) without ever matching processes by name.
MARK_SERVICE=OPENSTACK_LOOPBACK_SERVICE
MARK_STATE=OPENSTACK_LOOPBACK_STATE

say() { printf '[openstack] %s\n' "$*"; }
warn() { printf '[openstack] warning: %s\n' "$*" >&2; }
die() {
  printf '[openstack] error: %s\n' "$*" >&2
  exit 1
}

# Seconds since $1 (an EPOCHREALTIME value), one decimal.
elapsed_since() { awk -v s="$1" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.1f", n - s }'; }

pid_of() {
  local file="$PIDS/$1.pid"
  [[ -s $file ]] || return 1
  local pid
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

# True when process $1 was started with the environment entry $2 (exactly).
environ_has() { { tr '\0' '\n' <"/proc/$1/environ"; } 2>/dev/null | grep -qxF "$2"; }

# True when $2 is a live (not zombie) process started by this target as service $1.
is_ours() {
  local name=$1 pid=$2 stat state
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  [[ ${state%% *} != Z ]] || return 1
  environ_has "$pid" "$MARK_SERVICE=$name" && environ_has "$pid" "$MARK_STATE=$STATE"
}

service_alive() {
  local pid
  pid=$(pid_of "$1") || return 1
  is_ours "$1" "$pid"
}

# Any process of process group $1 (the service's own group, see launch) still running.
# Zombies do not count: once orphaned, they wait for PID 1 to reap them.
group_exists() { ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }

# Total RSS in KiB of every process in process group $1.
group_rss_kib() { ps -e -o pgid=,rss= | awk -v g="$1" '$1 == g { s += $2 } END { print s + 0 }'; }

# Starts "$@" as service $1 in a new session and process group (setsid), output appended to
# logs/<name>.log. The child writes its own PID before exec, so the pid file is exact even if
# setsid had to fork.
launch() {
  local name=$1
  shift
  local pidfile="$PIDS/$name.pid" log="$LOGS/$name.log"
  rm -f "$pidfile"
  printf '\n===== %s starting %s\n' "$(date -Is)" "$name" >>"$log"
  env "$MARK_SERVICE=$name" "$MARK_STATE=$STATE" \
    setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$log" 2>&1 9>&- &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.02
  done
  die "$name: no PID recorded after 2 s (see $log)"
}

# True when some process of process group $2 is this target's service $1 (the leader may
# be gone while its children still run, e.g. a crashed uwsgi master).
group_is_ours() {
  local pid
  for pid in $(ps -e -o pid=,pgid= | awk -v g="$2" '$2 == g { print $1 }'); do
    is_ours "$1" "$pid" && return 0
  done
  return 1
}

# Stops service $1 by its recorded process group: TERM, then KILL after $2 seconds.
# Only forgets the pid file when the group no longer holds any process of this target.
stop_service() {
  local name=$1 grace=${2:-10} pid i
  pid=$(pid_of "$name") || {
    rm -f "$PIDS/$name.pid"
    return 0
  }
  if ! group_is_ours "$name" "$pid"; then
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  local since=$EPOCHREALTIME how=TERM
  kill -TERM -- "-$pid" 2>/dev/null || true
  # A service a scenario paused (SIGSTOP) and never resumed must wake to handle TERM.
  kill -CONT -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    group_exists "$pid" || break
    sleep 0.1
  done
  if group_exists "$pid"; then
    warn "$name (process group $pid) ignored TERM for ${grace}s: sending KILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    how=KILL
    for ((i = 0; i < 50; i++)); do
      group_exists "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$PIDS/$name.pid"
  say "stopped $name (process group $pid, $how) in $(elapsed_since "$since") s"
}

# Stops the given services in parallel (each one TERM then KILL).
stop_services() {
  local name pid stoppers=()
  for name in "$@"; do
    [[ -e "$PIDS/$name.pid" ]] || continue
    stop_service "$name" 10 &
    stoppers+=("$!")
  done
  for pid in "${stoppers[@]}"; do wait "$pid" || true; done
}

# Stops everything that has a pid file: helpers of start first (db syncs), then the
# OpenStack services, then the infrastructure they need while shutting down.
stop_all() {
  local extra=() f name
  for f in "$PIDS"/*.pid; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .pid)
    [[ " ${ALL_SERVICES[*]} " == *" $name "* ]] || extra+=("$name")
  done
  ((${#extra[@]} == 0)) || stop_services "${extra[@]}"
  stop_services "${OPENSTACK_SERVICES[@]}"
  stop_services glance-stub neutron-stub rabbitmq mariadb
  stop_services epmd
}

# "name (pid N)" of whatever listens on TCP port $1, empty when the port is free.
port_holder() {
  local line
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1) || true
  [[ -n $line ]] || return 0
  local who
  who=$(sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' <<<"$line")
  printf '%s on %s' "${who:-an unknown process}" "$(awk '{print $4}' <<<"$line")"
}

# HTTP status of GET http://127.0.0.1:$1$2, using bash's /dev/tcp so no curl is needed.
# Runs in a subshell: a failed connect must not end the calling script.
http_status() (
  exec 3<>"/dev/tcp/$LOOPBACK/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$2" "$LOOPBACK" "$1" >&3
  read -r -t 10 _ status _ <&3 || exit 1
  printf '%s' "$status"
) 2>/dev/null

# True when the HTTP service on port $1 answers $2 with any status below 500
# (401 counts: the API is up, it just wants a token).
http_answers() {
  local status
  status=$(http_status "$1" "$2") || return 1
  [[ $status =~ ^[1-4][0-9][0-9]$ ]]
}

tcp_open() { (exec 3<>"/dev/tcp/$LOOPBACK/$1") 2>/dev/null; }

# Last lines of a service's log, indented, for error messages.
log_tail() {
  local log="$LOGS/$1.log"
  [[ -s $log ]] || {
    echo "    (no log at $log)"
    return 0
  }
  echo "    --- last ${2:-25} lines of $log ---"
  tail -n "${2:-25}" "$log" | sed 's/^/    /'
}
