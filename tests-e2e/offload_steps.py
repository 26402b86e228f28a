"""The offload step of the end-to-end suite: snapshot offload to the embedded S3 server, as an
operator meets it through the cinder CLI (a mixin of scenario.Suite).

The DevStack plugin starts the service with [s3] enabled (target offload-s3) and its extra phase
makes the volume type Offloaded (purebridge:offload_target=offload-s3).
"""

import hashlib

import arrays as arrays_mod

GIB = 1024 ** 3
TARGET = "offload-s3"
OFFLOAD_TYPE = "Offloaded"
OFFLOAD_LINE = "purebridge offload target %s: s3://purebridge-offload at http://127.0.0.1:" % TARGET


class OffloadSteps(object):
    """Needs the Suite's cinder, arrays, create(), placed(), _log_has() and plain_type."""

    def step_offload(self):
        assert self._log_has("purebridge", OFFLOAD_LINE), \
            "the service log has no %r: the plugin did not enable [s3]" % OFFLOAD_LINE
        specs = {r["Name"]: r["extra_specs"] for r in self.cinder("extra-specs-list").rows()}
        assert "'purebridge:offload_target': '%s'" % TARGET in specs.get(OFFLOAD_TYPE, ""), specs

        # A plain volume with known bytes; its snapshot asks to be offloaded (on demand).
        plain = self.create("e2e-offload-src", self.plain_type)
        self.cinder.wait_volumes([plain], {"available"}, 60, "volume to offload")
        name = self.placed(plain, None)
        data = arrays_mod.pattern(plain)
        assert self.arrays.write("pure-primary", name, data) == len(data)
        want = hashlib.sha256(data).hexdigest()
        # --metadata takes every word up to the next option: it goes first.
        snap = self.cinder("snapshot-create", "--metadata", "purebridge:offload=%s" % TARGET,
                           "--name", "e2e-offload-snap", plain).table()["id"]
        snapshots = self.cinder.wait_snapshots([snap], {"available"}, 90, "offloaded snapshot")
        metadata = snapshots[snap].get("metadata") or {}
        offloaded = metadata.get("offloaded_snapshot")
        assert metadata.get("offload_target") == TARGET and offloaded == \
            "pure-primary:%s.snapshot-%s" % (name, snap), "snapshot metadata: %s" % metadata

        # The operator's views: OffloadAdminService (purebridge-admin offload list) and the arrays'
        # REST front end.
        listed = self.arrays.offloaded(TARGET)
        assert offloaded in listed, "OffloadAdminService lists on %s: %s" % (TARGET, listed)
        remote = [s["name"] for s in self.arrays["pure-dr"].items(
            "remote-volume-snapshots", "&on=%s" % TARGET)]
        assert offloaded in remote, "GET /remote-volume-snapshots?on=%s: %s" % (TARGET, remote)

        # Restored from the bucket by name into a larger volume of the offload type. (A volume from
        # the snapshot once its array snapshot is gone comes from the bucket too: that is checked
        # with Cinder's objects in python-shim/tests/parity/test_offload_round_trip.py, which
        # keeps this step short.)
        restored = self.cinder("create", "--metadata", "purebridge:restore_from=%s" % offloaded,
                               "--name", "e2e-offload-restored", "--volume-type", OFFLOAD_TYPE,
                               2).table()["id"]
        volume = self.cinder.wait_volumes([restored], {"available"}, 90,
                                          "volume restored from the bucket")[restored]
        assert volume["size"] == 2 and volume["volume_type"] == OFFLOAD_TYPE, volume
        on_array = self.arrays["pure-primary"].find_volume(restored)
        assert on_array is not None and on_array["provisioned"] == 2 * GIB, \
            "restored volume %s on pure-primary: %s" % (restored, on_array)
        got = self.arrays.checksum("pure-primary", on_array["name"], len(data))
        assert got == want, "volume %s restored from %s holds other bytes" % (restored, offloaded)
        return "snapshot offloaded to %s on demand (listed by OffloadAdminService and REST); " \
            "restore_from into a 2 GiB %s volume: bytes equal" % (TARGET, OFFLOAD_TYPE)
