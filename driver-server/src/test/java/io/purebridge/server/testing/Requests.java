package io.purebridge.server.testing;

import io.purebridge.v1.Connector;
import io.purebridge.v1.Snapshot;
import io.purebridge.v1.Volume;

/** Complete request parts, each field set to a value a test can recognise. */
public final class Requests {
    private Requests() {
    }

    public static Volume volume(String id) {
        return Volume.newBuilder()
                .setId(id)
                .setNameId("name-" + id)
                .setName("volume-name-" + id)
                // As the backend names it: volume.name + "-cinder" (provider_ids are checked).
                .setProviderId("volume-name-" + id + "-cinder")
                .setSizeGib(7)
                .putVolumeTypeExtraSpecs("replication_enabled", "<is> True")
                .putVolumeTypeExtraSpecs("replication_type", "<in> sync")
                .setReplicationStatus("enabled")
                .build();
    }

    public static Snapshot snapshot(String id, Volume volume) {
        return Snapshot.newBuilder()
                .setId(id)
                .setName("snapshot-" + id)
                .setProviderId(volume.getName() + "-cinder.snapshot-" + id)
                .setVolume(volume)
                .setVolumeSizeGib(volume.getSizeGib())
                .build();
    }

    public static Connector connector() {
        return Connector.newBuilder()
                .setHost("compute-1")
                .setInitiator("iqn.1993-08.org.debian:01:abc")
                .addWwpns("10000000c9a1b2c3")
                .addWwnns("20000000c9a1b2c3")
                .setNqn("nqn.2014-08.org.nvmexpress:uuid:1234")
                .setSystemUuid("4c4c4544-0000")
                .setIp("10.0.0.21")
                .setMultipath(true)
                .build();
    }
}
