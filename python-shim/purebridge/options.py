"""oslo.config options of the purebridge driver.

The pure_* options keep the upstream Pure driver's names, types, defaults and choices, so an
operator moves a backend section over by changing only volume_driver. Cinder's own pure.py
registers the same names in backend_defaults when it is imported into the same process; see
register_shared_opts for how the two coexist.
"""

from oslo_config import cfg
from oslo_log import log as logging

from cinder.volume import configuration

LOG = logging.getLogger(__name__)

PURE_OPTS = [
    cfg.StrOpt("pure_api_token",
               secret=True,
               help="REST API token of the primary array."),
    cfg.BoolOpt("pure_automatic_max_oversubscription_ratio",
                default=True,
                help="Report the array's data reduction ratio as "
                     "max_over_subscription_ratio instead of the configured "
                     "value."),
    cfg.StrOpt("pure_host_personality",
               default=None,
               choices=['aix', 'esxi', 'hitachi-vsp', 'hpux',
                        'oracle-vm-server', 'solaris', 'vms', None],
               help="Personality set on hosts the driver creates."),
    cfg.IntOpt("pure_replica_interval_default", default=3600,
               help="Async replication interval, in seconds."),
    cfg.IntOpt("pure_replica_retention_short_term_default", default=14400,
               help="Keep every replicated snapshot on the target this many "
                    "seconds."),
    cfg.IntOpt("pure_replica_retention_long_term_per_day_default", default=3,
               help="Replicated snapshots kept per day after the short term."),
    cfg.IntOpt("pure_replica_retention_long_term_default", default=7,
               help="Days the per-day replicated snapshots are kept."),
    cfg.StrOpt("pure_replication_pg_name", default="cinder-group",
               help="Protection group used for async replication (created "
                    "when missing)."),
    cfg.StrOpt("pure_trisync_pg_name", default="cinder-trisync",
               help="Protection group inside the sync pod for the trisync "
                    "async leg (created when missing)."),
    cfg.StrOpt("pure_replication_pod_name", default="cinder-pod",
               help="Pod used for sync replication (created when missing)."),
    cfg.StrOpt("pure_ghost_pod_name", default="cinder-ghost-pod",
               help="Prefix of the temporary pod used to move volumes in and "
                    "out of the sync pod."),
    cfg.StrOpt("pure_iscsi_cidr", default="0.0.0.0/0",
               help="CIDR of the iSCSI target portals hosts may use. Ignored "
                    "when pure_iscsi_cidr_list is set."),
    cfg.ListOpt("pure_iscsi_cidr_list", default=None,
                help="CIDRs of the iSCSI target portals hosts may use; "
                     "supersedes pure_iscsi_cidr."),
    cfg.StrOpt("pure_nvme_cidr", default="0.0.0.0/0",
               help="CIDR of the NVMe target portals hosts may use. Ignored "
                    "when pure_nvme_cidr_list is set."),
    cfg.ListOpt("pure_nvme_cidr_list", default=None,
                help="CIDRs of the NVMe target portals hosts may use; "
                     "supersedes pure_nvme_cidr."),
    cfg.StrOpt("pure_nvme_transport", default="roce",
               choices=['roce', 'tcp'],
               help="NVMe transport of the NVMe driver."),
    cfg.BoolOpt("pure_eradicate_on_delete",
                default=False,
                help="Eradicate volumes, snapshots and protection groups when "
                     "Cinder deletes them. Deleted data cannot be recovered."),
    cfg.BoolOpt("pure_trisync_enabled",
                default=False,
                help="Allow trisync volume types; needs exactly two "
                     "replication_device entries, one sync and one async."),
    cfg.BoolOpt("pure_safemode_enabled",
                default=False,
                help="Create every object with SafeMode default protection; "
                     "forces pure_eradicate_on_delete off."),
]

PUREBRIDGE_OPTS = [
    cfg.StrOpt("purebridge_endpoint",
               default="unix:/var/lib/purebridge/purebridge.sock",
               help="gRPC endpoint of the purebridge service: "
                    "unix:/path/to/socket or host:port."),
    cfg.FloatOpt("purebridge_timeout",
                 default=60.0,
                 min=1.0,
                 help="Deadline of each call to the purebridge service, in "
                      "seconds."),
    cfg.StrOpt("purebridge_tls_ca_file",
               default=None,
               help="CA bundle that signed the purebridge service's "
                    "certificate. Set it to reach a host:port endpoint over "
                    "TLS (the service refuses plaintext off loopback)."),
    cfg.StrOpt("purebridge_tls_cert_file",
               default=None,
               help="This host's client certificate (PEM), for a service "
                    "that requires client certificates. Needs "
                    "purebridge_tls_key_file."),
    cfg.StrOpt("purebridge_tls_key_file",
               default=None,
               secret=True,
               help="Private key of purebridge_tls_cert_file (PEM)."),
]

# Cinder's generic options the driver reads (registered by cinder.volume.driver and
# cinder.volume.drivers.san.san); listed so get_driver_options reports them.
COMMON_OPT_NAMES = [
    "san_ip",
    "driver_ssl_cert_verify",
    "driver_ssl_cert_path",
    "use_chap_auth",
    "replication_device",
    "reserved_percentage",
    "max_over_subscription_ratio",
]

# Compared when an option of the same name is already registered (by upstream pure.py):
# equal on these means an operator sees the same behaviour whichever definition won.
_SEMANTIC_ATTRS = ("type", "default", "multi", "dest")


def _same_semantics(existing, opt):
    if type(existing) is not type(opt):
        return False
    return all(getattr(existing, attr, None) == getattr(opt, attr, None)
               for attr in _SEMANTIC_ATTRS)


def _load_upstream_pure_opts():
    """Lets upstream pure.py register its pure_* options first, when it is installed.

    oslo.config accepts a second registration of a name only when it is identical, help text
    included. pure.py registers at import without catching the error, so if ours came first, a
    later import of pure.py in the same process (a second backend using it, the config
    generator) would fail. Importing it first makes its definitions the registered ones and ours
    compatible duplicates.
    """
    try:
        from cinder import objects
        # pure.py annotates with cinder.objects classes; registering is idempotent.
        objects.register_all()
        from cinder.volume.drivers import pure  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - absent or broken upstream driver: ours stand alone
        LOG.debug("purebridge: upstream pure driver not importable (%s); "
                  "registering pure_* options ourselves.", exc)


def register_shared_opts(conf=cfg.CONF,
                         group=configuration.SHARED_CONF_GROUP):
    """Registers the driver's options in backend_defaults; returns the registered objects.

    An option already registered under the same name is kept when it means the same (type,
    default, choices); anything else is a real conflict and raises DuplicateOptError.
    """
    registered = []
    for opt in PURE_OPTS + PUREBRIDGE_OPTS:
        try:
            conf.register_opt(opt, group=group)
            registered.append(opt)
        except cfg.DuplicateOptError:
            existing = conf._get_opt_info(opt.dest, group)["opt"]
            if not _same_semantics(existing, opt):
                raise
            # Upstream does not mark the token secret; keep it out of logged option dumps.
            existing.secret = existing.secret or opt.secret
            registered.append(existing)
    return registered


_load_upstream_pure_opts()
REGISTERED_OPTS = register_shared_opts()


def common_opts():
    """Cinder's generic options the driver uses, from their owning modules."""
    from cinder.volume import driver as volume_driver
    from cinder.volume.drivers.san import san

    known = {}
    for opt in (volume_driver.volume_opts + volume_driver.iser_opts +
                volume_driver.nvmeof_opts + san.san_opts):
        known.setdefault(opt.name, opt)
    return [known[name] for name in COMMON_OPT_NAMES if name in known]


def all_opts():
    """What get_driver_options reports: pure_*, purebridge_* and the common options."""
    return list(REGISTERED_OPTS) + common_opts()
