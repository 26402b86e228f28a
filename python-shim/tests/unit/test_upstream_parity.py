"""README's table of upstream driver methods stays true.

Every public method of Cinder's own Pure driver classes (cinder.volume.drivers.pure, as
installed) has a row in README.md's "Upstream driver methods" table, and each row's claim
holds: "yes" methods are defined by purebridge's driver, "no" ones are not (Cinder's generic
code or NotImplementedError answers), "service" ones are upstream helpers that no Cinder manager
calls, whose work purebridge's service does inside another call. A new upstream method, or a
method purebridge gains, fails here until the table says so.
"""

import inspect
import os
import re

from cinder.volume import driver as cinder_driver
from cinder.volume.drivers import pure as upstream

from purebridge import driver as purebridge

README = os.path.join(os.path.dirname(__file__), "..", "..", "..",
                      "README.md")
UPSTREAM_CLASSES = (upstream.PureBaseVolumeDriver, upstream.PureISCSIDriver,
                    upstream.PureFCDriver, upstream.PureNVMEDriver)
PUREBRIDGE_CLASSES = (purebridge.PureBaseVolumeDriver,
                      purebridge.PureISCSIDriver, purebridge.PureFCDriver,
                      purebridge.PureNVMEDriver)
ROW = re.compile(r"^\| `(\w+)` \| (yes|no|service) \|")


def _public_methods(classes):
    names = set()
    for cls in classes:
        for name, value in vars(cls).items():
            if name.startswith("_"):
                continue
            if inspect.isfunction(value) or isinstance(
                    value, (staticmethod, classmethod)):
                names.add(name)
    return names


def _table():
    with open(README) as f:
        text = f.read()
    section = text.split("## Upstream driver methods", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2) for m in map(ROW.match, section.splitlines())
            if m}


def test_every_upstream_method_has_a_row_and_no_row_is_stale():
    table = _table()
    upstream_methods = _public_methods(UPSTREAM_CLASSES)

    assert sorted(upstream_methods - set(table)) == [], "rows missing"
    assert sorted(set(table) - upstream_methods) == [], "rows for no method"


def test_each_row_says_what_purebridge_does():
    ours = _public_methods(PUREBRIDGE_CLASSES)
    interface = set(dir(cinder_driver.VolumeDriver))
    for method, status in _table().items():
        if status == "yes":
            assert method in ours, "%s is marked yes" % method
        else:
            assert method not in ours, "%s is implemented: mark it yes" % method
        if status == "service":
            assert method not in interface, (
                "%s is a Cinder driver method, not an upstream helper" % method)
