"""Options: upstream names, types and defaults; coexistence with upstream pure.py."""

import pytest
from oslo_config import cfg

from purebridge import options


def _upstream_opts():
    pure = pytest.importorskip("cinder.volume.drivers.pure")
    return {o.name: o for o in pure.PURE_OPTS}


def test_every_upstream_pure_option_is_registered_with_same_semantics():
    upstream = _upstream_opts()
    ours = {o.name: o for o in options.PURE_OPTS}

    assert set(ours) == set(upstream)
    for name, opt in upstream.items():
        assert type(ours[name]) is type(opt), name
        assert ours[name].type == opt.type, name
        assert ours[name].default == opt.default, name


def test_options_live_in_backend_defaults_once_and_token_is_secret():
    for opt in options.PURE_OPTS + options.PUREBRIDGE_OPTS:
        registered = cfg.CONF._get_opt_info(opt.name, "backend_defaults")
        assert registered["opt"].default == opt.default
    token = cfg.CONF._get_opt_info("pure_api_token", "backend_defaults")
    assert token["opt"].secret


def test_purebridge_defaults():
    conf = cfg.CONF.backend_defaults
    assert conf.purebridge_endpoint == \
        "unix:/var/lib/purebridge/purebridge.sock"
    assert conf.purebridge_timeout > 0


def test_identical_semantics_reregister_but_a_conflict_raises():
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt("pure_replication_pod_name",
                                 default="cinder-pod", help="other help"),
                      group="backend_defaults")
    options.register_shared_opts(conf)  # same meaning: accepted

    clash = cfg.ConfigOpts()
    clash.register_opt(cfg.IntOpt("pure_replica_interval_default",
                                  default=60), group="backend_defaults")
    with pytest.raises(cfg.DuplicateOptError):
        options.register_shared_opts(clash)
