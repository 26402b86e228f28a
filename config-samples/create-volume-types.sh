#!/bin/bash
#
# Creates the volume types of a purebridge backend: SyncReplicated, AsyncReplicated and TriSync
# (replication_enabled='<is> True', replication_type='<in> sync|async|trisync'), plus a plain
# type named after the backend. Types that exist already are left alone, so it can run again.
#
#   create-volume-types.sh [BACKEND_NAME]        (default puredriver-1)
#
# Uses the openstack CLI with the usual OS_* variables (OS_CLOUD, or OS_AUTH_URL and friends).
# With PUREBRIDGE_CINDER_NOAUTH=1 it uses the cinder CLI against a cinder-api without Keystone
# (auth_strategy = noauth): OS_USER_ID, OS_PROJECT_ID and CINDER_ENDPOINT must be set.
# PUREBRIDGE_TYPES overrides the list: "NAME:MODE ..." with MODE sync, async, trisync, none or
# offload.
#
# Snapshot offload (docs/OFFLOAD.md): with PUREBRIDGE_OFFLOAD_TARGET set to an offload target of
# the service ([offload.NAME] in its config), the list also holds a type Offloaded (named by
# PUREBRIDGE_OFFLOAD_TYPE) whose volumes are snapshotted every PUREBRIDGE_OFFLOAD_FREQUENCY
# seconds (default 3600) and whose snapshots stay in the bucket PUREBRIDGE_OFFLOAD_RETENTION days
# (default 7):
#   purebridge:offload_target, purebridge:offload_frequency, purebridge:offload_retention.

set -o errexit
set -o nounset
set -o pipefail

BACKEND=${1:-puredriver-1}
OFFLOAD_TARGET=${PUREBRIDGE_OFFLOAD_TARGET:-}
DEFAULT_TYPES="SyncReplicated:sync AsyncReplicated:async TriSync:trisync $BACKEND:none"
if [[ -n "$OFFLOAD_TARGET" ]]; then
    DEFAULT_TYPES+=" ${PUREBRIDGE_OFFLOAD_TYPE:-Offloaded}:offload"
fi
TYPES=${PUREBRIDGE_TYPES:-$DEFAULT_TYPES}

function noauth {
    [[ "${PUREBRIDGE_CINDER_NOAUTH:-0}" == 1 ]]
}

function existing_types {
    if noauth; then
        cinder --os-auth-type noauth type-list |
            awk -F'|' 'NF > 3 && $2 !~ /^ *ID *$/ { gsub(/^ +| +$/, "", $3); print $3 }'
    else
        openstack volume type list -f value -c Name
    fi
}

# create_type NAME KEY=VALUE...
function create_type {
    local name=$1
    shift
    local spec
    local -a properties=()
    if noauth; then
        cinder --os-auth-type noauth type-create "$name" > /dev/null
        cinder --os-auth-type noauth type-key "$name" set "$@"
    else
        for spec in "$@"; do
            properties+=(--property "$spec")
        done
        openstack volume type create "${properties[@]}" "$name" > /dev/null
    fi
}

existing=$(existing_types)
for entry in $TYPES; do
    name=${entry%%:*}
    mode=${entry#*:}
    if grep -qxF -- "$name" <<< "$existing"; then
        echo "volume type $name exists; left as it is"
        continue
    fi
    case "$mode" in
        sync|async|trisync)
            create_type "$name" "volume_backend_name=$BACKEND" \
                "replication_enabled=<is> True" "replication_type=<in> $mode"
            ;;
        none)
            create_type "$name" "volume_backend_name=$BACKEND"
            ;;
        offload)
            create_type "$name" "volume_backend_name=$BACKEND" \
                "purebridge:offload_target=${OFFLOAD_TARGET:-offload-s3}" \
                "purebridge:offload_frequency=${PUREBRIDGE_OFFLOAD_FREQUENCY:-3600}" \
                "purebridge:offload_retention=${PUREBRIDGE_OFFLOAD_RETENTION:-7}"
            ;;
        *)
            echo "unknown mode '$mode' for volume type $name: use sync, async, trisync, none or offload" >&2
            exit 2
            ;;
    esac
    if [[ "$mode" == offload ]]; then
        echo "volume type $name created (backend $BACKEND, offload to ${OFFLOAD_TARGET:-offload-s3})"
    else
        echo "volume type $name created (backend $BACKEND, replication ${mode})"
    fi
done
