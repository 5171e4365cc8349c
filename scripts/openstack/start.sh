#!/usr/bin/env bash
# Starts the loopback OpenStack target (MariaDB, RabbitMQ, Keystone, Placement, Cinder, Nova
# with the fake compute driver, a Neutron stub), seeds it, and writes
# .state/openstack/target.json. Returns only when everything answers; on any failure it
# names the service, shows its log and stops whatever it had started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -A CHILD_PID=() # service -> PID, for `wait` to report how a crashed one exited
STARTED_AT=$EPOCHREALTIME
READY=""

# ---- preconditions ----------------------------------------------------------------------

take_lock() {
  mkdir -p "$STATE"
  exec 9>"$LOCK"
  flock -n 9 || die "another start or stop of this target is in progress ($LOCK)"
}

check_packages() {
  local cmd
  for cmd in /usr/sbin/mariadbd /usr/lib/rabbitmq/bin/rabbitmq-server /usr/bin/epmd \
    /usr/bin/uwsgi_python3 /usr/bin/keystone-manage /usr/bin/placement-api /usr/bin/cinder-api \
    /usr/bin/nova-api /usr/bin/ss; do
    [[ -x $cmd ]] || die "$cmd is missing: run \`npm run target:install\` first"
  done
  local py_lib=/usr/lib/python3/dist-packages
  [[ -f $py_lib/nova/virt/fake.py && -f $py_lib/cinder/tests/fake_driver.py ]] ||
    die "python3-nova / python3-cinder lack the fake drivers: run \`npm run target:install\`"
}

# A second start: fine when everything runs (prints the status), refused when half runs.
check_not_running() {
  local name alive=() dead=()
  for name in "${ALL_SERVICES[@]}"; do
    [[ -e "$PIDS/$name.pid" ]] || continue
    if service_alive "$name"; then alive+=("$name"); else dead+=("$name"); fi
  done
  if ((${#alive[@]} == ${#ALL_SERVICES[@]})); then
    [[ -s $TARGET_JSON ]] || die "running, but its start never finished (no $TARGET_JSON)." \
      "Run \`npm run target:stop\` first."
    say "already running; target description: $TARGET_JSON"
    exec bash "$OS_SCRIPTS/status.sh"
  fi
  ((${#alive[@]} == 0)) || die "partly running (alive: ${alive[*]}; down: ${dead[*]:-none})." \
    "Run \`npm run target:stop\` first."
  rm -f "$PIDS"/*.pid
}

check_ports_free() {
  local name port holder
  for name in "${ALL_SERVICES[@]}"; do
    for port in ${SERVICE_PORTS[$name]:-}; do
      holder=$(port_holder "$port")
      [[ -z $holder ]] || die "port $port (needed by $name) is already taken by $holder"
    done
  done
}

random_hex() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# Internal passwords (database, RabbitMQ, Keystone admin and service users): generated once,
# kept with the data they protect. The conformance users get new ones on every start.
load_secrets() {
  if [[ ! -s $SECRETS ]]; then
    [[ ! -d "$DATA/mysql" ]] ||
      die "$SECRETS is missing but data exists: run \`npm run target:stop -- --purge\`"
    local name
    (
      umask 077
      for name in DB_PASS RABBIT_PASS ADMIN_PASS NOVA_PASS CINDER_PASS PLACEMENT_PASS; do
        printf '%s=%s\n' "$name" "$(random_hex)"
      done >"$SECRETS"
    )
  fi
  source "$SECRETS"
}

# ---- failure handling ---------------------------------------------------------------------

on_exit() {
  local rc=$?
  [[ -z $READY ]] || return 0
  trap '' HUP INT PIPE TERM # finish the clean-up even if the output is gone
  local what=failed
  ((rc < 128)) || what=interrupted
  warn "start $what after $(elapsed_since "$STARTED_AT") s; stopping what was started"
  stop_all
  exit $((rc == 0 ? 1 : rc))
}

fail_service() {
  printf '[openstack] error: %s: %s\n' "$1" "$2" >&2
  log_tail "$1" >&2
  exit 1
}

# Fails naming the first launched service that is no longer running.
check_alive() {
  local name rc
  for name in "${!CHILD_PID[@]}"; do
    [[ $name != setup-* ]] || continue
    service_alive "$name" && continue
    rc=0
    wait "${CHILD_PID[$name]}" 2>/dev/null || rc=$?
    fail_service "$name" "exited during start (exit status $rc)"
  done
}

# Polls "$@" (quietly) until it succeeds; fails naming service $1 after $2 seconds.
wait_until() {
  local name=$1 timeout=$2 deadline reason
  shift 2
  deadline=$((SECONDS + timeout))
  until reason=$("$@" 2>&1 >/dev/null); do
    check_alive
    ((SECONDS < deadline)) || fail_service "$name" "not ready after ${timeout} s${reason:+ ($reason)}"
    sleep 0.5
  done
}

start() {
  launch "$@"
  CHILD_PID[$1]=$!
}

# ---- infrastructure -----------------------------------------------------------------------

start_mariadb() {
  if [[ ! -d "$DATA/mysql/mysql" ]]; then
    rm -rf "$DATA/mysql" && mkdir -p "$DATA/mysql"
    mariadb-install-db --defaults-file="$ETC/my.cnf" --auth-root-authentication-method=socket \
      --skip-test-db >"$LOGS/setup-mariadb.log" 2>&1 ||
      fail_service setup-mariadb "mariadb-install-db failed"
  fi
  start mariadb /usr/sbin/mariadbd --defaults-file="$ETC/my.cnf"
}

mariadb_ready() { mariadb-admin --no-defaults --socket="$RUN/mysqld.sock" -uroot status; }

create_databases() {
  local db sql="CREATE USER IF NOT EXISTS 'openstack'@'$LOOPBACK' IDENTIFIED BY '$DB_PASS';"
  sql+="ALTER USER 'openstack'@'$LOOPBACK' IDENTIFIED BY '$DB_PASS';"
  for db in keystone placement cinder nova_api nova nova_cell0; do
    sql+="CREATE DATABASE IF NOT EXISTS $db; GRANT ALL ON $db.* TO 'openstack'@'$LOOPBACK';"
  done
  mariadb --no-defaults --socket="$RUN/mysqld.sock" -uroot -e "$sql" >>"$LOGS/mariadb.log" 2>&1 ||
    fail_service mariadb "could not create the databases"
}

# epmd runs in the foreground under our PID: left to RabbitMQ it would daemonize and escape
# the process group. ERL_EPMD_ADDRESS/-address keep it on loopback (it adds [::1] itself).
start_rabbitmq() {
  mkdir -p "$DATA/rabbitmq"
  start epmd env ERL_EPMD_ADDRESS=$LOOPBACK /usr/bin/epmd -address $LOOPBACK -port 4369
  wait_until epmd 10 tcp_open 4369
  start rabbitmq env HOME="$DATA/rabbitmq" \
    RABBITMQ_CONF_ENV_FILE=/dev/null \
    RABBITMQ_NODENAME=rabbit@localhost \
    RABBITMQ_NODE_IP_ADDRESS=$LOOPBACK \
    RABBITMQ_DIST_PORT=25672 \
    RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$DATA/rabbitmq/mnesia" \
    RABBITMQ_LOG_BASE="$LOGS/rabbitmq" \
    ERL_EPMD_ADDRESS=$LOOPBACK \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    /usr/lib/rabbitmq/bin/rabbitmq-server
}

# ---- schemas ------------------------------------------------------------------------------

declare -A SYNC_PACKAGE=([keystone]=python3-keystone [placement]=python3-placement
  [cinder]=python3-cinder [nova]=python3-nova)

package_version() { dpkg-query -W -f='${Version}' "$1"; }

sync_needed() {
  [[ $(cat "$DATA/synced/$1" 2>/dev/null) != "$(package_version "${SYNC_PACKAGE[$1]}")" ]]
}

start_sync() {
  say "creating the $1 schema (first start or new package version)"
  SYNC_VERSION=$(package_version "${SYNC_PACKAGE[$1]}") start "setup-$1" \
    bash "$OS_SCRIPTS/setup-db.sh" "$1"
}

# ---- OpenStack services -------------------------------------------------------------------

# uwsgi: the app loads in the worker only (--lazy-apps keeps the master small), SIGTERM stops
# instead of reloading (--die-on-term), Connection: close because Keystone
# under uwsgi drops reused connections.
start_uwsgi() {
  local name=$1 port=$2 script=$3
  shift 3
  start "$name" env "$@" /usr/bin/uwsgi_python3 --http-socket "$LOOPBACK:$port" \
    --wsgi-file "$script" --master --lazy-apps --processes 1 --threads 4 --die-on-term --need-app \
    --worker-reload-mercy 5 \
    --buffer-size 65535 --add-header "Connection: close" --disable-logging
}

start_component() {
  case $1 in
  keystone)
    start_uwsgi keystone 5000 /usr/bin/keystone-wsgi-public OS_KEYSTONE_CONFIG_DIR="$ETC/keystone"
    ;;
  placement)
    start_uwsgi placement 8778 /usr/bin/placement-api OS_PLACEMENT_CONFIG_DIR="$ETC/placement"
    ;;
  cinder)
    local svc
    for svc in cinder-api cinder-scheduler cinder-volume; do
      start "$svc" $PY "/usr/bin/$svc" --config-file "$ETC/cinder/cinder.conf"
    done
    ;;
  nova)
    # The other Nova services log in to Placement as they start: they wait for the seed.
    start nova-api $PY /usr/bin/nova-api --config-file "$ETC/nova/nova.conf"
    ;;
  esac
}

# The Nova services that authenticate as soon as they start (and exit when they cannot).
# nova-compute comes last: started before the conductor answers, it loses 10 s waiting.
start_nova_after_seed() {
  local svc
  for svc in nova-conductor nova-scheduler; do
    start "$svc" $PY "/usr/bin/$svc" --config-file "$ETC/nova/nova.conf"
  done
  wait_until nova-conductor 90 seed check conductor
  start nova-compute $PY -c \
    'import sys; from nova.cmd.compute import main; sys.argv[0] = "nova-compute"; sys.exit(main())' \
    --config-file "$ETC/nova/nova.conf"
}

# Schemas that need work are created in parallel; each component starts as soon as its own
# schema is ready. Cinder and Nova also need RabbitMQ.
start_components() {
  local c rc done_pid
  declare -A pending=()
  for c in keystone placement cinder nova; do
    if sync_needed "$c"; then
      start_sync "$c"
      pending[${CHILD_PID[setup-$c]}]=$c
    fi
  done
  local rabbit_ready=""
  for c in keystone placement cinder nova; do
    sync_needed "$c" && continue
    [[ $c == keystone || $c == placement || -n $rabbit_ready ]] || {
      wait_until rabbitmq 60 tcp_open 5672
      rabbit_ready=1
    }
    start_component "$c"
  done
  while ((${#pending[@]} > 0)); do
    rc=0
    wait -n -p done_pid "${!pending[@]}" || rc=$?
    c=${pending[$done_pid]}
    unset "pending[$done_pid]"
    ((rc == 0)) || fail_service "setup-$c" "schema setup failed (exit status $rc)"
    say "$c schema ready ($(elapsed_since "$STARTED_AT") s)"
    rm -f "$PIDS/setup-$c.pid"
    unset "CHILD_PID[setup-$c]"
    if [[ $c == cinder || $c == nova ]] && [[ -z $rabbit_ready ]]; then
      wait_until rabbitmq 60 tcp_open 5672
      rabbit_ready=1
    fi
    start_component "$c"
  done
  [[ -n $rabbit_ready ]] || wait_until rabbitmq 60 tcp_open 5672
}

seed() { env OPENSTACK_STATE="$STATE" ADMIN_PASS="$ADMIN_PASS" NOVA_PASS="$NOVA_PASS" \
  CINDER_PASS="$CINDER_PASS" PLACEMENT_PASS="$PLACEMENT_PASS" node "$OS_SCRIPTS/seed.mjs" "$@"; }

# Maps the compute host into cell1 once; the mapping lives in the database.
discover_hosts() {
  [[ ! -e "$DATA/synced/hosts" ]] || return 0
  $PY /usr/bin/nova-manage --config-file "$ETC/nova/nova.conf" cell_v2 discover_hosts --verbose \
    >>"$LOGS/setup-discover-hosts.log" 2>&1 ||
    fail_service setup-discover-hosts "nova-manage cell_v2 discover_hosts failed"
  touch "$DATA/synced/hosts"
}

total_rss_mib() {
  local name pid kib=0
  for name in "${ALL_SERVICES[@]}"; do
    pid=$(pid_of "$name") || continue
    kib=$((kib + $(group_rss_kib "$pid")))
  done
  echo $((kib / 1024))
}

main() {
  take_lock
  check_packages
  check_not_running
  check_ports_free
  mkdir -p "$ETC" "$DATA"/{cinder,nova/instances,keystone,synced} "$LOGS/rabbitmq" "$PIDS" "$RUN"
  load_secrets
  source "$OS_SCRIPTS/config.sh"
  write_configs
  # A signal (Ctrl-C, closed terminal, broken pipe) must also stop what was started.
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 141' PIPE
  trap 'exit 143' TERM

  start_mariadb
  start neutron-stub "$(command -v node)" "$OS_SCRIPTS/neutron-stub.mjs"
  start glance-stub "$(command -v node)" "$OS_SCRIPTS/glance-stub.mjs"
  start_rabbitmq
  wait_until mariadb 60 mariadb_ready
  create_databases
  start_components

  wait_until keystone 90 http_answers 5000 /v3
  seed keystone || fail_service keystone "seeding Keystone failed"
  say "Keystone seeded ($(elapsed_since "$STARTED_AT") s)"
  start_nova_after_seed

  wait_until neutron-stub 30 http_answers 9696 /
  wait_until glance-stub 30 http_answers 9292 /
  wait_until placement 90 http_answers 8778 /
  wait_until cinder-api 90 http_answers 8776 /v3/
  wait_until nova-api 90 http_answers 8774 /v2.1/
  wait_until keystone 30 seed check token
  seed resources || fail_service nova-api "creating the volume type and flavor failed"
  wait_until cinder-volume 120 seed check cinder
  say "Cinder ready ($(elapsed_since "$STARTED_AT") s)"
  wait_until nova-compute 120 seed check compute
  discover_hosts
  say "nova-compute registered and mapped ($(elapsed_since "$STARTED_AT") s)"
  check_alive
  seed target >/dev/null || fail_service keystone "writing target.json failed"
  READY=1

  say "ready in $(elapsed_since "$STARTED_AT") s; RSS of all services: $(total_rss_mib) MiB"
  say "logs: $LOGS"
  say "target description (mode 0600):"
  echo "$TARGET_JSON"
}

main "$@"
