#!/usr/bin/env bash
# Installs the Debian packages of the loopback OpenStack target (bookworm = Zed).
# Idempotent: does nothing when every package is installed; runs `apt-get update` only
# when something is missing. Needs root.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Not nova-compute: it pulls libvirt and qemu. nova-compute runs from python3-nova with
# the fake driver. iproute2 gives `ss`, used to name whoever holds a port.
PACKAGES=(cinder-api cinder-scheduler cinder-volume nova-api nova-conductor nova-scheduler
  placement-api rabbitmq-server mariadb-server keystone python3-pymysql uwsgi-plugin-python3
  iproute2 procps)

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || echo "$p"
  done
}

# Debian's maintainer scripts would start MariaDB, RabbitMQ … system-wide on install; a
# policy-rc.d that exits 101 forbids that. Ours is temporary: an existing one is left alone.
POLICY_RC=/usr/sbin/policy-rc.d
OWN_POLICY_RC=""
block_service_starts() {
  [[ -e $POLICY_RC ]] && return 0
  printf '#!/bin/sh\n# temporary, from %s\nexit 101\n' "$0" >"$POLICY_RC"
  chmod 755 "$POLICY_RC"
  OWN_POLICY_RC=1
}
restore_service_starts() { [[ -z $OWN_POLICY_RC ]] || rm -f "$POLICY_RC"; }

main() {
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    say "all ${#PACKAGES[@]} packages are installed; nothing to do"
    return 0
  fi
  ((EUID == 0)) || die "installing packages needs root (missing: ${missing[*]})"
  say "missing packages: ${missing[*]}"
  block_service_starts
  trap restore_service_starts EXIT
  local started=$EPOCHREALTIME
  apt-get update || die "apt-get update failed (exit $?): is a Debian mirror reachable?"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed (exit $?) for: ${missing[*]}"
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "still not installed after apt-get: ${missing[*]}"
  say "installed in $(elapsed_since "$started") s"
}

main "$@"
