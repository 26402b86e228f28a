#!/bin/bash
#
# Runs the purebridge DevStack plugin's phases without DevStack, with stand-ins for the DevStack
# helpers it calls (iniset, iniset_multiline, run_process, stop_process, is_service_enabled, ...)
# and for the parts of DevStack's lib/cinder that call the plugin (configure_cinder,
# init_cinder, create_volume_types).
#
#   harness.sh stack|extra|test-config|post-config|unstack|clean
#
# Environment:
#   HARNESS_DIR       where everything goes: etc/cinder/cinder.conf, data/, logs/, pids/,
#                     calls.log (one line per stand-in call) - required
#   HARNESS_FAKE_SOCKET  (dry) the unix socket run_process creates, as the service would
#   HARNESS_LIVE=1    run_process really starts the command (logs/SVC.log, pids/SVC.pid),
#                     stop_process stops it, and the cinder/openstack CLIs are the real ones;
#                     otherwise (dry) they are recorded in calls.log only. Package installs
#                     (install_package, pip_install, setup_develop) are recorded only, live or
#                     not: the project's venv already holds the driver.
#   ENABLED_SERVICES  comma list, default c-api,c-sch,c-vol (no keystone: Cinder runs noauth)
#   HARNESS_*         the [DEFAULT] values the lib/cinder stand-in writes (see harness_configure_cinder)
# Any DevStack or plugin variable (PUREBRIDGE_*, CINDER_ENABLED_BACKENDS, ...) may be set too.
#
# Sourced (by test_plugin.sh) it only defines the stand-ins and harness_phase.

HARNESS_PLUGIN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The variables DevStack defines and the plugin reads.
# shellcheck disable=SC2034
function harness_init {
    : "${HARNESS_DIR:?set HARNESS_DIR to a scratch directory}"
    mkdir -p "$HARNESS_DIR"/{etc/cinder,etc/tempest,data,logs,pids,dest}
    TOP_DIR=$HARNESS_DIR/devstack
    DATA_DIR=$HARNESS_DIR/data
    DEST=$HARNESS_DIR/dest
    STACK_USER=${STACK_USER:-$(id -un)}
    CINDER_CONF=$HARNESS_DIR/etc/cinder/cinder.conf
    TEMPEST_CONFIG=$HARNESS_DIR/etc/tempest/tempest.conf
    SERVICE_TIMEOUT=${SERVICE_TIMEOUT:-60}
    CINDER_SERVICE_PROTOCOL=${CINDER_SERVICE_PROTOCOL:-http}
    CINDER_SERVICE_HOST=${CINDER_SERVICE_HOST:-127.0.0.1}
    CINDER_SERVICE_PORT=${CINDER_SERVICE_PORT:-8776}
    ENABLED_SERVICES=${ENABLED_SERVICES:-c-api,c-sch,c-vol}
    # Defaults the plugin would otherwise take from the machine: the service's own places.
    PUREBRIDGE_CONF_DIR=${PUREBRIDGE_CONF_DIR:-$HARNESS_DIR/etc/purebridge}
    HARNESS_CALLS=$HARNESS_DIR/calls.log
    touch "$HARNESS_CALLS"
}

# Every stand-in notes its call, one line each.
function _record {
    echo "$*" >> "$HARNESS_CALLS"
}

# --- DevStack helpers (functions-common, inc/ini-config, inc/python), written for the harness ---

function is_service_enabled {
    local svc
    for svc in "$@"; do
        if [[ ",$ENABLED_SERVICES," == *",$svc,"* ]]; then
            return 0
        fi
    done
    return 1
}

function enable_service {
    local svc
    for svc in "$@"; do
        if ! is_service_enabled "$svc"; then
            ENABLED_SERVICES+=",$svc"
        fi
    done
}

function define_plugin {
    _record "define_plugin $*"
}

function plugin_requires {
    _record "plugin_requires $*"
}

# trueorfalse DEFAULT VARNAME: True or False from the variable's value, else DEFAULT.
function trueorfalse {
    local default=$1
    local value=${!2:-}
    case "${value,,}" in
        1|yes|true|on) echo True ;;
        0|no|false|off) echo False ;;
        "") echo "$default" ;;
        *) echo "$default" ;;
    esac
}

function echo_summary {
    echo "harness: $*"
}

function die {
    local line=$1
    shift
    echo "harness: die at line $line: $*" >&2
    _record "die $*"
    exit 1
}

function is_fedora {
    return 1
}

function install_package {
    _record "install_package $*"
}

function pip_install {
    _record "pip_install $*"
}

function pip_uninstall {
    _record "pip_uninstall $*"
}

function setup_develop {
    _record "setup_develop $*"
}

# The harness runs as the stack user: commands run as they are.
function sudo {
    _record "sudo $*"
    "$@"
}

# run_process SERVICE COMMAND: what DevStack checks before it writes a systemd unit, then
# (live) the command in the background.
function run_process {
    local service=$1
    local command=$2
    _record "run_process $service $command"
    if [[ "$command" == *sudo* ]]; then
        die $LINENO "run_process $service: the command must not use sudo"
    fi
    if [[ "$command" != /* ]]; then
        die $LINENO "run_process $service: the command must start with an absolute path"
    fi
    if ! is_service_enabled "$service"; then
        return 0
    fi
    if [[ "${HARNESS_LIVE:-0}" != 1 ]]; then
        # Dry: the service "opens" its socket at once (HARNESS_FAKE_SOCKET, when set).
        if [[ -n "${HARNESS_FAKE_SOCKET:-}" ]]; then
            python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
                "$HARNESS_FAKE_SOCKET"
        fi
    else
        # shellcheck disable=SC2086
        setsid $command >> "$HARNESS_DIR/logs/$service.log" 2>&1 < /dev/null &
        echo $! > "$HARNESS_DIR/pids/$service.pid"
    fi
}

# stop_process SERVICE: stops what run_process started (live), waiting up to 30 s.
function stop_process {
    local service=$1
    local pidfile=$HARNESS_DIR/pids/$service.pid
    local pid waited=0
    _record "stop_process $service"
    if [[ "${HARNESS_LIVE:-0}" != 1 || ! -f "$pidfile" ]]; then
        return 0
    fi
    pid=$(cat "$pidfile")
    kill "$pid" 2> /dev/null || true
    while kill -0 "$pid" 2> /dev/null && [[ $waited -lt 300 ]]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2> /dev/null; then
        kill -9 "$pid" 2> /dev/null || true
    fi
    rm -f "$pidfile"
}

# The awk program of iniset and iniset_multiline: in [section], the first KEY line becomes the
# lines of `values` (newline-separated) and other KEY lines go if `all`; the section or the key
# is added when missing, before the blank lines that end the section.
# shellcheck disable=SC2016
_HARNESS_INI_AWK='
    function emit(   n, i, v) {
        n = split(values, v, "\n")
        for (i = 1; i <= n; i++) { print key " = " v[i] }
        done = 1
    }
    function flush() { for (; blanks > 0; blanks--) { print "" } }
    /^[ \t]*$/ { blanks++; next }
    /^\[.*\]$/ {
        if (in_section && !done) { emit() }
        flush()
        in_section = ($0 == "[" section "]"); seen = seen || in_section
        print; next
    }
    in_section && $0 ~ "^[ \t]*" key "[ \t]*=" {
        flush()
        if (!done) { emit() }
        else if (!all) { print }
        next
    }
    { flush(); print }
    END {
        if (!seen) { if (NR > 0) { print "" }; print "[" section "]" }
        if (!done) { emit() }
    }'

# iniset FILE SECTION KEY VALUE: sets KEY in [SECTION], adding the section or key if missing.
function iniset {
    local file=$1 section=$2 key=$3 value=$4
    _record "iniset $file [$section] $key"
    touch "$file"
    awk -v section="$section" -v key="$key" -v values="$value" -v all=0 \
        "$_HARNESS_INI_AWK" "$file" > "$file.new" && mv "$file.new" "$file"
}

# iniset_multiline FILE SECTION KEY VALUE...: replaces every KEY line of [SECTION] with one line
# per VALUE.
function iniset_multiline {
    local file=$1 section=$2 key=$3
    shift 3
    local joined
    _record "iniset_multiline $file [$section] $key ($# values)"
    joined=$(printf '%s\n' "$@")
    touch "$file"
    awk -v section="$section" -v key="$key" -v values="$joined" -v all=1 \
        "$_HARNESS_INI_AWK" "$file" > "$file.new" && mv "$file.new" "$file"
}

# The volume CLIs: real ones when live, else recorded. In dry runs Cinder "has" the volume
# types created so far (calls.log), so a second extra phase shows whether the plugin is
# idempotent.
function _harness_types_created {
    sed -n 's/^cinder type-create \(.*\)$/\1/p; s/^openstack volume type create .* \([^ ]*\)$/\1/p' \
        "$HARNESS_CALLS"
}

function openstack {
    if [[ "${HARNESS_LIVE:-0}" == 1 ]]; then
        command openstack "$@"
        return
    fi
    _record "openstack $*"
    if [[ "$1 $2 $3" == "volume type list" ]]; then
        _harness_types_created
    fi
}

function cinder {
    local -a args=()
    local name
    if [[ "${HARNESS_LIVE:-0}" == 1 ]]; then
        command cinder "$@"
        return
    fi
    # Leave out the noauth options (--os-NAME VALUE): the call is what matters.
    while [[ $# -gt 0 ]]; do
        if [[ "$1" == --os-* ]]; then
            shift 2
            continue
        fi
        args+=("$1")
        shift
    done
    _record "cinder ${args[*]}"
    if [[ "${args[0]}" == type-list ]]; then
        echo "| ID | Name | Description | Is_Public |"
        for name in $(_harness_types_created); do
            echo "| 0000 | $name | - | True |"
        done
    fi
}

# --- DevStack's lib/cinder, the parts that call the plugin ---

# What configure_cinder writes that the plugin does not: the [DEFAULT] of a noauth Cinder on
# sqlite and RabbitMQ, then each backend through its configure_cinder_backend_TYPE.
function harness_configure_cinder {
    local entry be_type be_name enabled=""
    local state=${HARNESS_STATE_DIR:-$HARNESS_DIR/cinder-state}
    mkdir -p "$state" "$HARNESS_DIR/lock"
    rm -f "$CINDER_CONF"
    iniset "$CINDER_CONF" DEFAULT auth_strategy noauth
    iniset "$CINDER_CONF" DEFAULT transport_url "${HARNESS_TRANSPORT_URL:-rabbit://guest:guest@127.0.0.1:5672/}"
    iniset "$CINDER_CONF" DEFAULT state_path "$state"
    iniset "$CINDER_CONF" DEFAULT log_dir "$HARNESS_DIR/logs"
    iniset "$CINDER_CONF" DEFAULT debug True
    iniset "$CINDER_CONF" DEFAULT host "${HARNESS_CINDER_HOST:-devstack}"
    iniset "$CINDER_CONF" DEFAULT my_ip 127.0.0.1
    iniset "$CINDER_CONF" DEFAULT osapi_volume_listen "$CINDER_SERVICE_HOST"
    iniset "$CINDER_CONF" DEFAULT osapi_volume_listen_port "$CINDER_SERVICE_PORT"
    iniset "$CINDER_CONF" DEFAULT osapi_volume_workers 1
    iniset "$CINDER_CONF" DEFAULT api_paste_config "${HARNESS_CINDER_ETC:-/etc/cinder}/api-paste.ini"
    iniset "$CINDER_CONF" DEFAULT rootwrap_config "${HARNESS_CINDER_ETC:-/etc/cinder}/rootwrap.conf"
    iniset "$CINDER_CONF" DEFAULT resource_query_filters_file "${HARNESS_CINDER_ETC:-/etc/cinder}/resource_filters.json"
    iniset "$CINDER_CONF" database connection "sqlite:///$state/cinder.sqlite?timeout=30"
    iniset "$CINDER_CONF" oslo_concurrency lock_path "$HARNESS_DIR/lock"
    iniset "$CINDER_CONF" coordination backend_url "file://$HARNESS_DIR/lock"
    if [[ -n "${HARNESS_NOVA_AUTH_URL:-}" ]]; then
        iniset "$CINDER_CONF" nova token_auth_url "$HARNESS_NOVA_AUTH_URL"
    fi
    for entry in ${CINDER_ENABLED_BACKENDS//,/ }; do
        be_type=${entry%%:*}
        be_name=${entry#*:}
        if type "configure_cinder_backend_$be_type" > /dev/null 2>&1; then
            "configure_cinder_backend_$be_type" "$be_name"
        fi
        enabled+="${enabled:+,}$be_name"
    done
    iniset "$CINDER_CONF" DEFAULT enabled_backends "$enabled"
    iniset "$CINDER_CONF" DEFAULT default_volume_type "${enabled%%,*}"
}

function harness_init_cinder {
    local entry be_type
    for entry in ${CINDER_ENABLED_BACKENDS//,/ }; do
        be_type=${entry%%:*}
        if type "init_cinder_backend_$be_type" > /dev/null 2>&1; then
            "init_cinder_backend_$be_type" "${entry#*:}"
        fi
    done
}

function _harness_cinder_noauth {
    cinder --os-auth-type noauth --os-user-id admin \
        --os-project-id "${PUREBRIDGE_NOAUTH_PROJECT_ID:-0123456789abcdef0123456789abcdef}" \
        --os-endpoint "$CINDER_SERVICE_PROTOCOL://$CINDER_SERVICE_HOST:$CINDER_SERVICE_PORT/v3" "$@"
}

# create_volume_types: one type per backend, named after it, as DevStack does after start_cinder.
function harness_create_volume_types {
    local entry be_name
    for entry in ${CINDER_ENABLED_BACKENDS//,/ }; do
        be_name=${entry#*:}
        if is_service_enabled keystone; then
            openstack volume type create --property "volume_backend_name=$be_name" "$be_name"
        else
            _harness_cinder_noauth type-create "$be_name" &&
                _harness_cinder_noauth type-key "$be_name" set "volume_backend_name=$be_name"
        fi
    done
}

# --- phases, each in the order stack.sh, unstack.sh and clean.sh run them ---

function _harness_source_plugin {
    # shellcheck source=devstack/override-defaults
    source "$HARNESS_PLUGIN_DIR/override-defaults"
    # shellcheck source=devstack/settings
    source "$HARNESS_PLUGIN_DIR/settings"
}

function _harness_plugin_sh {
    # shellcheck source=devstack/plugin.sh
    source "$HARNESS_PLUGIN_DIR/plugin.sh" "$@"
}

# harness_phase NAME: one phase, in a subshell as DevStack's scripts are separate runs.
function harness_phase {
    (
        set -o errexit
        set -o pipefail
        harness_init
        _harness_source_plugin
        case "$1" in
            stack)
                _harness_plugin_sh stack pre-install
                harness_configure_cinder
                _harness_plugin_sh stack install
                harness_init_cinder
                _harness_plugin_sh stack post-config
                ;;
            post-config)
                _harness_plugin_sh stack post-config
                ;;
            extra)
                harness_create_volume_types
                _harness_plugin_sh stack extra
                ;;
            test-config)
                _harness_plugin_sh stack test-config
                ;;
            unstack)
                _harness_plugin_sh unstack
                ;;
            clean)
                _harness_plugin_sh unstack
                _harness_plugin_sh clean
                ;;
            *)
                echo "harness: unknown phase $1 (stack, post-config, extra, test-config, unstack, clean)" >&2
                exit 2
                ;;
        esac
    )
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    if [[ $# -eq 0 ]]; then
        echo "usage: $0 stack|post-config|extra|test-config|unstack|clean..." >&2
        exit 2
    fi
    for _phase in "$@"; do
        harness_phase "$_phase" || exit $?
    done
fi
