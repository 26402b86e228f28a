"""Shared set-up: Cinder objects registered, oslo.config parsed once, a per-test backend section."""

import itertools

import pytest
from oslo_config import cfg

from cinder import objects

objects.register_all()
cfg.CONF([], project="cinder", default_config_files=[])

from cinder.volume import configuration  # noqa: E402

from purebridge import options  # noqa: E402

_sections = itertools.count(1)


@pytest.fixture
def section():
    """A fresh cinder.conf backend section name; its overrides are cleared afterwards."""
    name = "puredriver-t%d" % next(_sections)
    yield name
    group = cfg.CONF._groups.get(name)
    if group is not None:
        for opt_name in list(group._opts):
            cfg.CONF.clear_override(opt_name, group=name)


def make_configuration(section_name):
    return configuration.Configuration(
        options.PURE_OPTS + options.PUREBRIDGE_OPTS, section_name)


def override(section_name, **values):
    for key, value in values.items():
        cfg.CONF.set_override(key, value, group=section_name)


@pytest.fixture
def conf_file(tmp_path):
    """Re-parses oslo.config from an INI text (for values only a file can carry)."""
    def load(text):
        path = tmp_path / "cinder.conf"
        path.write_text(text)
        cfg.CONF(["--config-file", str(path)], project="cinder",
                 default_config_files=[])
    yield load
    cfg.CONF([], project="cinder", default_config_files=[])

