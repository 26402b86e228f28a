"""The offload steps of the end-to-end suite: snapshot offload to the embedded S3 server, as an
operator meets it through the cinder CLI (a mixin of scenario.Suite).

The DevStack plugin starts the service with [s3] enabled (target offload-s3) and its extra phase
makes the volume type Offloaded (purebridge:offload_target=offload-s3). The suite adds a second
backend by hand, as an operator would, that reaches pure-dr through its REST 2.x front end: there
the array sends a snapshot asked for itself.
"""

import hashlib
import re

import arrays as arrays_mod

GIB = 1024 ** 3
TARGET = "offload-s3"
REST_BACKEND = "puredriver-rest"
REST_ARRAY = "pure-dr"
REST_TYPE = "e2e-rest"
OFFLOAD_TYPE = "Offloaded"
OFFLOAD_LINE = "purebridge offload target %s: s3://purebridge-offload at http://127.0.0.1:" % TARGET


def add_rest_backend(conf, plain_backend, endpoint):
    """Adds [puredriver-rest] to cinder.conf, a purebridge backend whose array is reached over REST
    (san_ip: pure-dr's front end, its CA bundle verified), and enables it next to plain_backend.
    Written as text, so the plugin's lines (replication_device twice) stay as they are."""
    with open(conf) as f:
        text = f.read()
    plain = re.search(r"^\[%s\]\n(.*?)(?=^\[|\Z)" % re.escape(plain_backend), text, re.S | re.M)
    shim_endpoint = re.search(r"^purebridge_endpoint = (.+)$", plain.group(1), re.M).group(1)
    enabled = re.search(r"^enabled_backends = (.+)$", text, re.M)
    assert enabled and enabled.group(1).strip() == plain_backend, \
        "cinder.conf enables %s" % (enabled.group(1) if enabled else "no backends")
    text = text[:enabled.start(1)] + "%s,%s" % (plain_backend, REST_BACKEND) + text[enabled.end(1):]
    text += "\n".join(["", "[%s]" % REST_BACKEND,
                       "volume_backend_name = %s" % REST_BACKEND,
                       "volume_driver = purebridge.driver.PureISCSIDriver",
                       "san_ip = %s" % endpoint.san_ip,
                       "pure_api_token = %s" % endpoint.token,
                       "driver_ssl_cert_verify = True",
                       "driver_ssl_cert_path = %s" % endpoint.ca_bundle,
                       "purebridge_endpoint = %s" % shim_endpoint,
                       "pure_eradicate_on_delete = True", ""])
    with open(conf, "w") as f:
        f.write(text)


class OffloadSteps(object):
    """Needs the Suite's cinder, arrays, create(), placed(), _log_has(), wait_rest_backend() and
    plain_type."""

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

    def step_offload_rest(self):
        # A type for the REST backend; its stats must have reached the scheduler.
        self.cinder("type-create", REST_TYPE)
        self.cinder("type-key", REST_TYPE, "set", "volume_backend_name=%s" % REST_BACKEND)
        self.wait_rest_backend(60)

        source = self.create("e2e-rest-src", REST_TYPE)
        self.cinder.wait_volumes([source], {"available"}, 60, "volume on %s" % REST_BACKEND)
        dr = self.arrays[REST_ARRAY]
        on_dr = dr.find_volume(source)
        assert on_dr is not None, "volume %s is not on %s" % (source, REST_ARRAY)
        name = on_dr["name"]
        data = arrays_mod.pattern(source)
        assert self.arrays.write(REST_ARRAY, name, data) == len(data)
        snap = self.cinder("snapshot-create", "--metadata", "purebridge:offload=%s" % TARGET,
                           "--name", "e2e-rest-snap", source).table()["id"]
        metadata = self.cinder.wait_snapshots([snap], {"available"}, 90, "snapshot the array sent")[
            snap].get("metadata") or {}
        offloaded = metadata.get("offloaded_snapshot", "")
        # The array's own send of a copy of the snapshot (its volume's name and a tag).
        sent = re.match(r"^%s:(%s-[0-9a-f]{8})\.snapshot-%s$" % (
            REST_ARRAY, re.escape(name), re.escape(snap)), offloaded)
        assert sent and metadata.get("offload_target") == TARGET, "snapshot metadata: %s" % metadata
        assert "offload_expires" not in metadata, "the array keeps it until deleted: %s" % metadata
        assert sent.group(1) not in dr.volumes(), \
            "the send's transient volume %s is still on %s" % (sent.group(1), REST_ARRAY)
        remote = [s["name"] for s in dr.items("remote-volume-snapshots", "&on=%s" % TARGET)]
        assert offloaded in remote, "GET /remote-volume-snapshots?on=%s: %s" % (TARGET, remote)
        assert offloaded in self.arrays.offloaded(TARGET)

        # Restored from the bucket by the other backend, onto pure-primary.
        restored = self.cinder("create", "--metadata", "purebridge:restore_from=%s" % offloaded,
                               "--name", "e2e-rest-restored", "--volume-type", self.plain_type,
                               1).table()["id"]
        self.cinder.wait_volumes([restored], {"available"}, 90, "volume restored from the bucket")
        on_primary = self.arrays["pure-primary"].find_volume(restored)
        assert on_primary is not None, "volume %s is not on pure-primary" % restored
        got = self.arrays.checksum("pure-primary", on_primary["name"], len(data))
        assert got == hashlib.sha256(data).hexdigest(), \
            "volume %s restored from %s holds other bytes" % (restored, offloaded)

        # Gone again through the CLI, so that no later step needs the REST backend.
        self.cinder("snapshot-delete", snap)
        self.cinder.wait_snapshots([snap], {"deleted"}, 60, "snapshot deleted")
        self.cinder("delete", source, restored)
        self.cinder.wait_volumes([source, restored], {"deleted"}, 60, "volumes deleted")
        assert dr.find_volume(source) is None, "volume %s stays on %s" % (name, REST_ARRAY)
        return "%s (pure-dr over REST) sent the snapshot itself as %s, no transient volume left; " \
            "restore_from on %s: bytes equal" % (REST_BACKEND, offloaded, self.plain_type)
