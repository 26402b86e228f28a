#!/bin/bash
#
# purebridge DevStack plugin: dispatches DevStack's phases to devstack/lib/purebridge (sourced by
# devstack/settings).
#
# local.conf:
#   [[local|localrc]]
#   enable_plugin purebridge https://example.org/purebridge.git
#
# The Cinder backend itself is written by DevStack's lib/cinder through
# configure_cinder_backend_purebridge, for the "purebridge:puredriver-1" entry that
# override-defaults adds to CINDER_ENABLED_BACKENDS.

if is_service_enabled purebridge; then
    case "$1" in
        stack)
            case "$2" in
                pre-install)
                    echo_summary "Installing Java and Maven for purebridge"
                    pre_install_purebridge
                    ;;
                install)
                    install_purebridge
                    ;;
                post-config)
                    # Before start_cinder: cinder-volume registers its backend at start.
                    echo_summary "Starting the purebridge service"
                    start_purebridge
                    ;;
                extra)
                    echo_summary "Creating purebridge's replicated volume types"
                    create_purebridge_volume_types
                    ;;
                test-config)
                    if is_service_enabled tempest; then
                        configure_tempest_purebridge
                    fi
                    ;;
            esac
            ;;
        unstack)
            stop_purebridge
            ;;
        clean)
            cleanup_purebridge
            ;;
    esac
fi
