#!/usr/bin/env bash
# Creates or upgrades the database schema of one component: keystone | placement | cinder | nova.
# Run by start.sh (in its own process group) when the installed package version differs from
# the one recorded in data/synced/<component>; records that version on success.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$SECRETS"
source "$OS_SCRIPTS/config.sh"

component=${1:?usage: setup-db.sh keystone|placement|cinder|nova}

keystone() {
  local conf=(--config-file "$ETC/keystone/keystone.conf")
  keystone-manage "${conf[@]}" db_sync
  mkdir -p "$DATA/keystone/fernet-keys" "$DATA/keystone/credential-keys"
  [[ -e "$DATA/keystone/fernet-keys/0" ]] ||
    keystone-manage "${conf[@]}" fernet_setup --keystone-user root --keystone-group root
  [[ -e "$DATA/keystone/credential-keys/0" ]] ||
    keystone-manage "${conf[@]}" credential_setup --keystone-user root --keystone-group root
  # Admin user, project `admin`, roles admin/member/reader, region and identity endpoints.
  keystone-manage "${conf[@]}" bootstrap --bootstrap-password "$ADMIN_PASS" \
    --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "$KEYSTONE_URL" \
    --bootstrap-internal-url "$KEYSTONE_URL" \
    --bootstrap-public-url "$KEYSTONE_URL"
}

placement() { placement-manage --config-file "$ETC/placement/placement.conf" db sync; }

cinder() { cinder-manage --config-file "$ETC/cinder/cinder.conf" db sync; }

nova() {
  local conf=(--config-file "$ETC/nova/nova.conf")
  nova-manage "${conf[@]}" api_db sync
  nova-manage "${conf[@]}" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
  # Exit status 2: a cell with this database and transport URL exists (a rerun).
  local rc=0
  nova-manage "${conf[@]}" cell_v2 create_cell --name cell1 --verbose || rc=$?
  ((rc == 0 || rc == 2)) || return "$rc"
  nova-manage "${conf[@]}" db sync
}

case $component in
keystone | placement | cinder | nova) ;;
*) die "unknown component: $component" ;;
esac
started=$EPOCHREALTIME
"$component"
mkdir -p "$DATA/synced"
printf '%s\n' "${SYNC_VERSION:?}" >"$DATA/synced/$component"
say "$component schema ready in $(elapsed_since "$started") s"
