#!/usr/bin/env bash
# Stops every service of the loopback OpenStack target by its recorded process group
# (TERM, then KILL after a grace period) and removes the pid files and target.json. Data
# stays for a warm restart; `--purge` also deletes .state/openstack (databases, logs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: stop.sh [--purge]"
  echo "  --purge  also delete $STATE"
}

# Processes that carry this target's marker but are not in a recorded process group would
# have escaped stop; they are reported (with PIDs), never hunted down by name.
leftovers() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    environ_has "$pid" "$MARK_STATE=$STATE" || continue
    ps -o pid=,pgid=,args= -p "$pid" 2>/dev/null | cut -c1-120 || true
  done
}

main() {
  local purge=""
  while (($# > 0)); do
    case $1 in
    --purge) purge=1 ;;
    -h | --help)
      usage
      return 0
      ;;
    *)
      usage >&2
      die "unknown argument: $1"
      ;;
    esac
    shift
  done

  if [[ ! -d $STATE ]]; then
    say "not running: nothing to stop ($STATE does not exist)"
    return 0
  fi
  exec 9>"$LOCK"
  flock -n 9 || die "a start of this target is in progress; interrupt it (Ctrl-C stops what it started)"

  local recorded=("$PIDS"/*.pid)
  if [[ ! -e ${recorded[0]} ]]; then
    say "not running: no recorded services"
  else
    local started=$EPOCHREALTIME
    say "stopping ${#recorded[@]} services"
    stop_all
    say "stopped in $(elapsed_since "$started") s"
  fi
  # The description (and its passwords) is only valid while the target runs: the next
  # start sets new passwords and writes a new one.
  rm -f "$TARGET_JSON" "$RUN/seed.json"

  local left
  left=$(leftovers)
  [[ -z $left ]] || die "processes of this target are still running:"$'\n'"$left"

  if [[ -n $purge ]]; then
    rm -rf "$STATE"
    say "purged $STATE"
  fi
}

main "$@"
