#!/bin/bash
#
# Tests of the purebridge DevStack plugin, phase by phase, through the harness (dry: nothing is
# started, every DevStack helper call is recorded). Ends with "devstack-plugin: N passed, N failed".
#
#   devstack/tests/test_plugin.sh [PYTHON]
# PYTHON: an interpreter with Cinder installed (the project's venv), to parse the cinder.conf the
# plugin writes exactly as cinder-volume does. Default: .venv/bin/python of the repository.

set -o nounset
set -o pipefail

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTS_DIR/../.." && pwd)
PYTHON=${1:-$REPO_DIR/.venv/bin/python}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

PASSED=0
FAILED=0

function pass {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

function fail {
    FAILED=$((FAILED + 1))
    echo "FAILED - $1"
    shift
    if [[ $# -gt 0 ]]; then
        printf '    %s\n' "$@"
    fi
}

# check NAME COMMAND...: passes when the command succeeds.
function check {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name"
    fi
}

# A fresh harness directory and the environment of one scenario; FAKE_JAR stands in for the
# service jar and FAKE_PYTHON records the stub generation instead of running it.
function new_run {
    RUN=$SCRATCH/$1
    mkdir -p "$RUN"
    touch "$RUN/service.jar"
    printf '#!/bin/sh\necho "python $*" >> "%s/calls.log"\n' "$RUN" > "$RUN/python"
    chmod +x "$RUN/python"
}

# harness ENV... -- PHASES...: runs the harness with these variables.
function harness {
    local -a env=()
    while [[ "$1" != -- ]]; do
        env+=("$1")
        shift
    done
    shift
    env HARNESS_DIR="$RUN" OFFLINE=True PUREBRIDGE_SERVER_JAR="$RUN/service.jar" \
        PUREBRIDGE_PYTHON="$RUN/python" HARNESS_FAKE_SOCKET="$RUN/data/purebridge/purebridge.sock" \
        "${env[@]}" "$TESTS_DIR/harness.sh" "$@" > "$RUN/harness.out" 2>&1
}

# ini_get FILE SECTION KEY: every value of KEY in [SECTION], one per line.
function ini_get {
    awk -v section="[$2]" -v key="$3" '
        /^\[.*\]$/ { in_section = ($0 == section); next }
        in_section && index($0, key " = ") == 1 { print substr($0, length(key) + 4) }' "$1"
}

# logged PATTERN / not_logged PATTERN: whether a stand-in call matching PATTERN was recorded.
function logged {
    grep -q -- "$1" "$RUN/calls.log"
}

function not_logged {
    ! logged "$1"
}

# in_file FILE PATTERN / not_in_file FILE PATTERN: whether FILE has a line matching PATTERN.
function in_file {
    grep -q -- "$2" "$1"
}

function not_in_file {
    ! in_file "$@"
}

# --- simulated arrays, the default ------------------------------------------------------------

new_run default
if harness -- stack; then
    pass "stack phases run with the plugin's defaults"
else
    fail "stack phases run with the plugin's defaults" "$(tail -n 5 "$RUN/harness.out")"
fi
CONF=$RUN/etc/cinder/cinder.conf
SERVICE_CONF=$RUN/etc/purebridge/purebridge-server.ini

check "enabled_backends is the plugin's backend" \
    test "$(ini_get "$CONF" DEFAULT enabled_backends)" == puredriver-1
check "volume_driver is purebridge's iSCSI driver" \
    test "$(ini_get "$CONF" puredriver-1 volume_driver)" == purebridge.driver.PureISCSIDriver
check "volume_backend_name is the backend's name" \
    test "$(ini_get "$CONF" puredriver-1 volume_backend_name)" == puredriver-1
check "san_ip is the simulated primary" \
    test "$(ini_get "$CONF" puredriver-1 san_ip)" == sim://pure-primary
check "purebridge_endpoint is the service's socket" \
    test "$(ini_get "$CONF" puredriver-1 purebridge_endpoint)" == "unix:$RUN/data/purebridge/purebridge.sock"
check "tri-sync is enabled with a sync and an async target" \
    test "$(ini_get "$CONF" puredriver-1 pure_trisync_enabled)" == True

mapfile -t DEVICES < <(ini_get "$CONF" puredriver-1 replication_device)
SYNC_DEVICE="backend_id:pure-sync,san_ip:sim://pure-sync,api_token:*,type:sync"
DR_DEVICE="backend_id:pure-dr,san_ip:sim://pure-dr,api_token:*,type:async"
# shellcheck disable=SC2053
if [[ ${#DEVICES[@]} -eq 2 && "${DEVICES[0]}" == $SYNC_DEVICE && "${DEVICES[1]}" == $DR_DEVICE ]]; then
    pass "two replication_device lines: pure-sync (sync) and pure-dr (async)"
else
    fail "two replication_device lines: pure-sync (sync) and pure-dr (async)" "${DEVICES[@]}"
fi

# The tokens in cinder.conf are those the service config gives its arrays.
PRIMARY_TOKEN=$(ini_get "$SERVICE_CONF" arrays pure-primary)
SYNC_TOKEN=$(ini_get "$SERVICE_CONF" arrays pure-sync)
DR_TOKEN=$(ini_get "$SERVICE_CONF" arrays pure-dr)
check "the service config has a token for each of the three arrays" \
    test -n "$PRIMARY_TOKEN" -a -n "$SYNC_TOKEN" -a -n "$DR_TOKEN"
check "pure_api_token is the primary's token in the service config" \
    test "$(ini_get "$CONF" puredriver-1 pure_api_token)" == "$PRIMARY_TOKEN"
check "the replication_device tokens are the targets' tokens" \
    test "${DEVICES[0]}" == "backend_id:pure-sync,san_ip:sim://pure-sync,api_token:$SYNC_TOKEN,type:sync"
check "the service config holding tokens is readable by its owner only" \
    test "$(stat -c %a "$SERVICE_CONF")" == 600
check "the service config serves REST on 127.0.0.1 and keeps data in DATA_DIR" \
    test "$(ini_get "$SERVICE_CONF" rest bind_address)" == 127.0.0.1 -a \
    "$(ini_get "$SERVICE_CONF" server data_dir)" == "$RUN/data/purebridge"
check "the service config runs the embedded S3 server (offload-s3) on 127.0.0.1, a free port" \
    test "$(ini_get "$SERVICE_CONF" s3 enabled) $(ini_get "$SERVICE_CONF" s3 bind_address) $(ini_get "$SERVICE_CONF" s3 port)" \
    == "true 127.0.0.1 0"

# Cinder's own parser: the backend section as cinder-volume's driver will see it.
if [[ -x "$PYTHON" ]] && PARSED=$(PYTHONWARNINGS=ignore "$PYTHON" - "$CONF" 2>&1 <<'EOF'
import sys
from oslo_config import cfg
from cinder.volume import configuration
from cinder.volume import driver  # registers replication_device and the backend options
cfg.CONF(["--config-file", sys.argv[1]], project="cinder")
conf = configuration.Configuration(driver.volume_opts, config_group="puredriver-1")
for device in conf.safe_get("replication_device"):
    print(device["backend_id"], device["san_ip"], device["type"], bool(device["api_token"]))
EOF
); then
    check "Cinder parses two replication_device dicts from the section" \
        test "$PARSED" == $'pure-sync sim://pure-sync sync True\npure-dr sim://pure-dr async True'
else
    fail "Cinder parses two replication_device dicts from the section" "${PARSED:-no $PYTHON}"
fi

check "pre-install asks for Java 17 and Maven" \
    grep -qx "install_package openjdk-17-jdk-headless maven" "$RUN/calls.log"
check "install puts the shim into Cinder's venv" logged "^setup_develop $REPO_DIR/python-shim\$"
check "install generates the shim's gRPC stubs" logged "^python -m grpc_tools.protoc .*volume_driver.proto"
check "install does not rebuild the jar when OFFLINE and it exists" not_logged mvn
mapfile -t STARTS < <(grep '^run_process ' "$RUN/calls.log")
START="run_process purebridge /*\ -jar\ $RUN/service.jar\ --config\ $SERVICE_CONF"
# shellcheck disable=SC2053
if [[ ${#STARTS[@]} -eq 1 && "${STARTS[0]}" == $START ]]; then
    pass "post-config runs one service: an absolute java, the jar and the service config"
else
    fail "post-config runs one service: an absolute java, the jar and the service config" "${STARTS[@]}"
fi
check "the backend is configured before the service starts" \
    test "$(grep -m 1 -o 'pure_api_token\|^run_process' "$RUN/calls.log")" == pure_api_token

if harness -- extra extra; then
    pass "extra phase runs twice"
else
    fail "extra phase runs twice" "$(tail -n 5 "$RUN/harness.out")"
fi
for spec in SyncReplicated:sync AsyncReplicated:async TriSync:trisync; do
    name=${spec%%:*}
    check "extra creates $name with replication_type <in> ${spec#*:} (noauth: cinder CLI)" \
        grep -qx "cinder type-key $name set volume_backend_name=puredriver-1 replication_enabled=<is> True replication_type=<in> ${spec#*:}" \
        "$RUN/calls.log"
done
check "extra creates Offloaded, offloading to the embedded S3 server's offload-s3" \
    grep -qx "cinder type-key Offloaded set volume_backend_name=puredriver-1 purebridge:offload_target=offload-s3" \
    "$RUN/calls.log"
check "a second extra phase creates no type again" \
    test "$(grep -c '^cinder type-create \(Sync\|Async\|Tri\|Offloaded\)' "$RUN/calls.log")" -eq 4

if harness -- unstack clean; then
    pass "unstack and clean run"
else
    fail "unstack and clean run" "$(tail -n 5 "$RUN/harness.out")"
fi
check "unstack stops the service" grep -qx "stop_process purebridge" "$RUN/calls.log"
check "clean removes the arrays' data and the service config" \
    test ! -e "$RUN/data/purebridge" -a ! -e "$RUN/etc/purebridge"

# --- with Keystone: the openstack CLI, as DevStack's own create_volume_types ------------------

new_run keystone
harness ENABLED_SERVICES=keystone,c-api,c-sch,c-vol,tempest -- stack extra test-config
check "with Keystone, extra creates TriSync through the openstack CLI" \
    grep -qx "openstack volume type create --property volume_backend_name=puredriver-1 --property replication_enabled=<is> True --property replication_type=<in> trisync TriSync" \
    "$RUN/calls.log"
check "test-config tells tempest the backend" in_file "$RUN/etc/tempest/tempest.conf" "^backend_names = puredriver-1$"
check "test-config tells tempest what the backend supports" \
    in_file "$RUN/etc/tempest/tempest.conf" "^manage_snapshot = True$"

# --- operator choices ---------------------------------------------------------------------------

new_run async-only
harness PUREBRIDGE_SYNC_ARRAY= PUREBRIDGE_ERADICATE_ON_DELETE=True -- stack extra
mapfile -t DEVICES < <(ini_get "$RUN/etc/cinder/cinder.conf" puredriver-1 replication_device)
check "without a sync array: one async replication_device line" \
    test "${#DEVICES[@]}" -eq 1 -a "${DEVICES[0]##*,}" == type:async
check "without a sync array: no tri-sync" not_in_file "$RUN/etc/cinder/cinder.conf" pure_trisync_enabled
check "without a sync array: no SyncReplicated or TriSync type" not_logged "type-create \(SyncReplicated\|TriSync\)"
check "without a sync array: the AsyncReplicated type" logged "type-create AsyncReplicated"
check "PUREBRIDGE_ERADICATE_ON_DELETE reaches the backend section" \
    test "$(ini_get "$RUN/etc/cinder/cinder.conf" puredriver-1 pure_eradicate_on_delete)" == True

new_run trisync-off
harness PUREBRIDGE_TRISYNC_ENABLED=False -- stack extra
check "PUREBRIDGE_TRISYNC_ENABLED=False: no tri-sync option" not_in_file "$RUN/etc/cinder/cinder.conf" pure_trisync_enabled
check "PUREBRIDGE_TRISYNC_ENABLED=False: no TriSync type" not_logged "type-create TriSync"

new_run s3-off
harness PUREBRIDGE_S3_ENABLED=False -- stack extra
check "PUREBRIDGE_S3_ENABLED=False: no [s3] section" not_in_file "$RUN/etc/purebridge/purebridge-server.ini" '^\[s3\]$'
check "PUREBRIDGE_S3_ENABLED=False: no Offloaded type" not_logged "type-create Offloaded"
new_run no-offload-type
harness PUREBRIDGE_OFFLOAD_TYPE= -- stack extra
check "PUREBRIDGE_OFFLOAD_TYPE empty: the S3 server, no offload type" \
    test "$(ini_get "$RUN/etc/purebridge/purebridge-server.ini" s3 enabled)" == true -a \
    "$(grep -c 'purebridge:offload_target' "$RUN/calls.log")" -eq 0

new_run real
harness PUREBRIDGE_SAN_IP=10.0.0.5 PUREBRIDGE_API_TOKEN=real-token \
    "PUREBRIDGE_REPLICATION_DEVICES=backend_id:fa-2,san_ip:10.0.0.6,api_token:t2,type:sync backend_id:fa-3,san_ip:10.0.0.7,api_token:t3,type:async" \
    PUREBRIDGE_SSL_CERT_PATH=/etc/pki/fa.pem -- stack
CONF=$RUN/etc/cinder/cinder.conf
check "real arrays: san_ip, token and certificate as given" \
    test "$(ini_get "$CONF" puredriver-1 san_ip) $(ini_get "$CONF" puredriver-1 pure_api_token) $(ini_get "$CONF" puredriver-1 driver_ssl_cert_path)" == \
    "10.0.0.5 real-token /etc/pki/fa.pem"
check "real arrays: the replication_device lines as given, tri-sync on" \
    test "$(ini_get "$CONF" puredriver-1 replication_device | tr '\n' ' ')$(ini_get "$CONF" puredriver-1 pure_trisync_enabled)" == \
    "backend_id:fa-2,san_ip:10.0.0.6,api_token:t2,type:sync backend_id:fa-3,san_ip:10.0.0.7,api_token:t3,type:async True"
check "real arrays: the service hosts no simulated array" \
    test -z "$(ini_get "$RUN/etc/purebridge/purebridge-server.ini" arrays pure-primary)"
check "real arrays: no embedded S3 server (the service cannot offload them)" \
    not_in_file "$RUN/etc/purebridge/purebridge-server.ini" '^\[s3\]$'

new_run real-no-token
if harness PUREBRIDGE_SAN_IP=10.0.0.5 -- stack; then
    fail "a real array without PUREBRIDGE_API_TOKEN stops stack.sh"
else
    check "a real array without PUREBRIDGE_API_TOKEN stops stack.sh, naming the variable" \
        grep -q "set PUREBRIDGE_API_TOKEN" "$RUN/harness.out"
fi

new_run no-socket
if harness HARNESS_FAKE_SOCKET= SERVICE_TIMEOUT=1 -- stack; then
    fail "a service that never opens its socket stops stack.sh"
else
    check "a service that never opens its socket stops stack.sh, naming the socket" \
        grep -q "did not open $RUN/data/purebridge/purebridge.sock" "$RUN/harness.out"
fi

new_run lvm-only
harness CINDER_ENABLED_BACKENDS=lvm:lvmdriver-1 -- stack extra
check "a backend list without purebridge: no purebridge section" not_in_file "$RUN/etc/cinder/cinder.conf" puredriver
check "a backend list without purebridge: no replicated types" not_logged "type-create .*Replicated"
check "a backend list without purebridge: the service is not started" not_logged "^run_process"

echo "devstack-plugin: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
