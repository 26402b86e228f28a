#!/usr/bin/env python3
"""Reads every config-samples/cinder.conf.*.sample as cinder-volume would and checks it.

Each sample's [puredriver-1] goes through oslo.config with Cinder's and purebridge's options (the
parser cinder-volume uses): the driver class imports, the primary array and the service endpoint
are set, every replication_device line parses into the keys the service accepts, and the
replication modes are those the sample's name promises. Ends with "N passed, N failed".
"""

import glob
import os
import sys
import warnings

warnings.simplefilter("ignore")

from oslo_config import cfg  # noqa: E402
from oslo_utils import importutils  # noqa: E402

from cinder import objects  # noqa: E402

objects.register_all()  # cinder.volume.manager needs them at import, as in cinder-volume

from cinder.volume import driver as cinder_driver  # noqa: E402
from cinder.volume import manager  # noqa: E402
from cinder.volume.drivers.san import san  # noqa: E402
from purebridge import options  # noqa: E402

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config-samples")
DEVICE_KEYS = {"backend_id", "san_ip", "api_token", "type", "uniform", "ssl_cert_verify",
               "ssl_cert_path"}
# The replication types each sample must configure, by the sample's name.
EXPECTED_MODES = {
    "cinder.conf.puredriver-1.sample": [],
    "cinder.conf.async.sample": ["async"],
    "cinder.conf.sync.sample": ["sync"],
    "cinder.conf.trisync.sample": ["sync", "async"],
    "cinder.conf.replication.sample": ["sync", "async"],
    "cinder.conf.real-arrays.sample": ["sync", "async"],
}


def check(path):
    conf = cfg.ConfigOpts()
    # What cinder-volume registers for a backend section, then what the purebridge driver adds.
    registered = set()
    for opts in (manager.volume_backend_opts, cinder_driver.volume_opts, san.san_opts,
                 options.all_opts()):
        for opt in opts:
            if opt.dest not in registered:
                conf.register_opt(opt, group="puredriver-1")
                registered.add(opt.dest)
    conf(["--config-file", path], project="cinder", default_config_files=[],
         default_config_dirs=[])
    def get(name):
        return getattr(conf["puredriver-1"], name)

    driver_class = importutils.import_class(get("volume_driver"))
    assert driver_class.__module__ == "purebridge.driver", driver_class
    assert get("san_ip"), "san_ip is empty"
    assert get("pure_api_token"), "pure_api_token is empty"
    assert get("purebridge_endpoint"), "purebridge_endpoint is empty"
    devices = get("replication_device") or []
    for device in devices:
        missing = {"backend_id", "san_ip", "api_token", "type"} - set(device)
        assert not missing, "replication_device %s lacks %s" % (device.get("backend_id"),
                                                               sorted(missing))
        unknown = set(device) - DEVICE_KEYS
        assert not unknown, "replication_device %s has unknown keys %s" % (
            device["backend_id"], sorted(unknown))
        assert device["type"] in ("sync", "async"), device["type"]
    modes = sorted(d["type"] for d in devices)
    want = sorted(EXPECTED_MODES[os.path.basename(path)])
    assert modes == want, "replication types %s, not %s" % (modes, want)
    if get("pure_trisync_enabled"):
        assert modes == ["async", "sync"], "tri-sync needs one sync and one async target"
    return "%s, %d replication_device line(s)%s" % (
        driver_class.__name__, len(devices), ", tri-sync" if get("pure_trisync_enabled") else "")


def main():
    passed = failed = 0
    paths = sorted(glob.glob(os.path.join(SAMPLES, "cinder.conf.*.sample")))
    for path in paths:
        name = os.path.basename(path)
        try:
            if name not in EXPECTED_MODES:
                raise AssertionError("new sample: say which replication types it configures "
                                     "in EXPECTED_MODES")
            print("ok - %s: %s" % (name, check(path)))
            passed += 1
        except Exception as exc:  # noqa: BLE001 - reported per sample
            print("FAILED - %s: %s" % (name, exc))
            failed += 1
    print("config-samples: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
