"""The offload step of the end-to-end suite: snapshot offload to the embedded S3 server, as an
operator meets it through the cinder CLI (a mixin of scenario.Suite).

The DevStack plugin starts the service with [s3] enabled (target offload-s3) and its extra phase
makes the volume type Offloaded (purebridge:offload_target=offload-s3).
"""

import hashlib
import json
import os
import subprocess

import arrays as arrays_mod

GIB = 1024 ** 3
TARGET = "offload-s3"
OFFLOAD_TYPE = "Offloaded"
OFFLOAD_LINE = "purebridge offload target %s: s3://purebridge-offload at http://127.0.0.1:" % TARGET


class OffloadSteps(object):
    """Needs the Suite's cinder, arrays, create(), placed(), _log_has(), plain_type, repo, jar,
    service_conf and socket."""

    def _admin(self, *args):
        """bin/purebridge-admin with the service config as the tokens file; its JSON output."""
        env = dict(os.environ, PUREBRIDGE_JAR=self.jar,
                   PUREBRIDGE_ADMIN_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        proc = subprocess.run([os.path.join(self.repo, "bin", "purebridge-admin"), *args,
                               "--endpoint", "unix:" + self.socket, "--tokens-file", self.service_conf,
                               "--json"], env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, "purebridge-admin %s: rc=%d %s" % (
            " ".join(args), proc.returncode, proc.stderr.strip()[-300:])
        return json.loads(proc.stdout)

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

        # The operator's views: purebridge-admin and the arrays' REST front end.
        listed = [s["name"] for s in self._admin("offload", "list", "--target", TARGET)["snapshots"]]
        assert offloaded in listed, "purebridge-admin offload list: %s" % listed
        remote = [s["name"] for s in self.arrays["pure-dr"].items(
            "remote-volume-snapshots", "&on=%s" % TARGET)]
        assert offloaded in remote, "GET /remote-volume-snapshots?on=%s: %s" % (TARGET, remote)

        # Restored from the bucket by name into a larger volume of the offload type.
        restored = self.cinder("create", "--metadata", "purebridge:restore_from=%s" % offloaded,
                               "--name", "e2e-offload-restored", "--volume-type", OFFLOAD_TYPE,
                               2).table()["id"]
        # The array snapshot lost behind Cinder's back: a volume from the snapshot uses the copy.
        self.arrays["pure-primary"].eradicate_snapshot("%s.snapshot-%s" % (name, snap))
        from_snap = self.create("e2e-offload-fromsnap", self.plain_type, 1, "--snapshot-id", snap)
        volumes = self.cinder.wait_volumes([restored, from_snap], {"available"}, 90,
                                           "volumes restored from the bucket")
        for volume_id, size in ((restored, 2), (from_snap, 1)):
            assert volumes[volume_id]["size"] == size, volumes[volume_id]
            on_array = self.arrays["pure-primary"].find_volume(volume_id)
            assert on_array is not None and on_array["provisioned"] == size * GIB, \
                "restored volume %s on pure-primary: %s" % (volume_id, on_array)
            got = self.arrays.checksum("pure-primary", on_array["name"], len(data))
            assert got == want, "volume %s restored from %s holds other bytes" % (volume_id, offloaded)
        return "snapshot offloaded to %s on demand (listed by purebridge-admin and REST); " \
            "restore_from 2 GiB and from-snapshot without its array snapshot: bytes equal" % TARGET
