# shellcheck shell=bash
# Writes the configuration of every service into .state/openstack/etc (never /etc).
# Sourced by start.sh after lib.sh and the secrets; rewritten on every start, so a changed
# script takes effect without a purge. Debian's api-paste.ini files are reused read-only.

KEYSTONE_URL="http://$LOOPBACK:5000/v3"
TRANSPORT_URL="rabbit://openstack:${RABBIT_PASS}@$LOOPBACK:5672/"

db_url() { printf 'mysql+pymysql://openstack:%s@%s:3306/%s?charset=utf8' "$DB_PASS" "$LOOPBACK" "$1"; }

# [section] block for a password login of service user $2 (keystoneauth options).
auth_section() {
  cat <<EOF
[$1]
auth_type = password
auth_url = $KEYSTONE_URL
username = $2
password = $3
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
EOF
}

# keystonemiddleware: service tokens must carry the `service` role (OSSA-2023-003 checks
# rely on it), so a client cannot pass itself off as Nova.
authtoken_section() {
  auth_section keystone_authtoken "$1" "$2"
  cat <<EOF
www_authenticate_uri = $KEYSTONE_URL
service_token_roles_required = true
service_token_roles = service
EOF
}

# Points oslo.policy at a folder of ours, so /etc/*/policy.d never leaks in. Every service
# reads the whole folder; a rule another service does not know is ignored by it.
policy_section() {
  cat <<EOF
[oslo_policy]
policy_file = $ETC/policy/none.yaml
policy_dirs = $ETC/policy
EOF
}

write_my_cnf() {
  cat >"$ETC/my.cnf" <<EOF
[mariadbd]
user = root
datadir = $DATA/mysql
socket = $RUN/mysqld.sock
pid-file = $RUN/mysqld.pid
bind-address = $LOOPBACK
port = 3306
skip-name-resolve
max_connections = 500
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
# A disposable test target: trade durability for speed and memory.
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
innodb_flush_log_at_trx_commit = 0
innodb_doublewrite = 0
performance_schema = OFF
EOF
}

write_rabbitmq_conf() {
  # default_user only applies when the node's database is created (first start).
  cat >"$ETC/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.1 = $LOOPBACK:5672
default_user = openstack
default_pass = $RABBIT_PASS
log.console = true
log.file = false
EOF
  echo '[].' >"$ETC/rabbitmq/enabled_plugins"
}

write_keystone_conf() {
  cat >"$ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
debug = false
[database]
connection = $(db_url keystone)
[token]
provider = fernet
[fernet_tokens]
key_repository = $DATA/keystone/fernet-keys
[fernet_receipts]
key_repository = $DATA/keystone/fernet-keys
[credential]
key_repository = $DATA/keystone/credential-keys
[cache]
enabled = true
backend = dogpile.cache.memory
$(policy_section)
EOF
}

write_placement_conf() {
  cat >"$ETC/placement/placement.conf" <<EOF
[DEFAULT]
debug = false
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement)
$(authtoken_section placement "$PLACEMENT_PASS")
$(policy_section)
EOF
}

write_cinder_conf() {
  cat >"$ETC/cinder/cinder.conf" <<EOF
[DEFAULT]
debug = false
host = openstack-loopback
my_ip = $LOOPBACK
state_path = $DATA/cinder
auth_strategy = keystone
transport_url = $TRANSPORT_URL
api_paste_config = /etc/cinder/api-paste.ini
osapi_volume_listen = $LOOPBACK
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
graceful_shutdown_timeout = 5
storage_availability_zone = nova
default_availability_zone = nova
enabled_backends = fake
default_volume_type = __DEFAULT__
# Without CapabilitiesFilter a type with multiattach="<is> True" lands on the fake
# backend, which does not report the multiattach capability.
scheduler_default_filters = AvailabilityZoneFilter,CapacityFilter
# How often cinder-volume reports its pools to the scheduler (default 60 s): when the
# scheduler starts after the first report, it knows no pool until the next one.
periodic_interval = 10
quota_volumes = -1
quota_snapshots = -1
quota_gigabytes = -1
quota_backups = -1
quota_backup_gigabytes = -1
quota_groups = -1
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
[database]
connection = $(db_url cinder)
[coordination]
backend_url = file://$DATA/cinder/coordination
[oslo_concurrency]
lock_path = $DATA/cinder/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken_section cinder "$CINDER_PASS")
$(auth_section nova cinder "$CINDER_PASS")
interface = public
token_auth_url = $KEYSTONE_URL
$(auth_section service_user cinder "$CINDER_PASS")
send_service_user_token = true
$(policy_section)
EOF
}

write_nova_conf() {
  cat >"$ETC/nova/nova.conf" <<EOF
[DEFAULT]
debug = false
host = openstack-loopback
my_ip = $LOOPBACK
state_path = $DATA/nova
instances_path = $DATA/nova/instances
transport_url = $TRANSPORT_URL
enabled_apis = osapi_compute
osapi_compute_listen = $LOOPBACK
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
graceful_shutdown_timeout = 5
compute_driver = fake.FakeDriver
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
[compute]
provider_config_location = $ETC/nova/provider_config
[conductor]
workers = 1
[scheduler]
workers = 1
# start.sh maps the compute host once with nova-manage cell_v2 discover_hosts.
discover_hosts_in_cells_interval = -1
[quota]
instances = -1
cores = -1
ram = -1
[vnc]
enabled = false
[glance]
# The read-only Glance stub (glance-stub.mjs): one image, for the one server that boots from
# an image (the rescued-server scenario); every other server boots from a volume.
api_servers = http://$LOOPBACK:9292
[oslo_concurrency]
lock_path = $DATA/nova/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken_section nova "$NOVA_PASS")
# Nova sends its own token next to the user's: Cinder lets a service delete an attachment.
$(auth_section service_user nova "$NOVA_PASS")
send_service_user_token = true
$(auth_section placement placement "$PLACEMENT_PASS")
valid_interfaces = public
$(auth_section cinder nova "$NOVA_PASS")
os_region_name = RegionOne
$(auth_section neutron nova "$NOVA_PASS")
valid_interfaces = public
$(policy_section)
EOF
}

write_configs() {
  mkdir -p "$ETC"/{keystone,placement,cinder,nova,rabbitmq,policy}
  write_my_cnf
  write_rabbitmq_conf
  write_keystone_conf
  write_placement_conf
  write_cinder_conf
  write_nova_conf
  write_policy_overrides
  chmod -R go-rwx "$ETC"
}

# Only a member (or an admin) may detach. The Zed defaults still OR in the deprecated
# admin_or_owner rule, which lets a user with just `reader` on the project detach. The
# services re-read a changed file in the folder without a restart.
write_policy_overrides() {
  cat >"$ETC/policy/detach.yaml" <<'EOF'
"volume_extension:volume_actions:detach": "(role:member and project_id:%(project_id)s) or role:admin"
"os_compute_api:os-volumes-attachments:delete": "(role:member and project_id:%(project_id)s) or role:admin"
EOF
}
