package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.ArrayInfo;
import io.purebridge.engine.array.ArrayNames;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.ConnectionRecord;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import java.util.List;
import java.util.Locale;

/** SPI records as FlashArray REST 2.x items (field names and shapes of the 2.36 spec). */
final class JsonViews {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonViews() {
    }

    static ObjectNode array(ArrayInfo info, ArraySpace space, ArrayContext ctx) {
        ObjectNode a = F.objectNode();
        a.put("id", info.id());
        a.put("name", info.name());
        a.put("os", "Purity//FA");
        a.put("version", info.version());
        a.put("capacity", space.capacityBytes());
        a.put("parity", 1.0);
        a.set("space", space(space));
        a.put("banner", "");
        a.put("console_lock_enabled", false);
        a.put("idle_timeout", 0);
        a.putArray("ntp_servers");
        a.put("scsi_timeout", 60000);
        a.put("time_zone", "UTC");
        a.put("_as_of", ctx.clock().millis());
        ObjectNode era = a.putObject("eradication_config");
        era.put("eradication_delay", ctx.eradicationDelayMs());
        era.put("manual_eradication", "all-enabled");
        ObjectNode enc = a.putObject("encryption").putObject("data_at_rest");
        enc.put("algorithm", "AES-256-CTR");
        enc.put("enabled", true);
        return a;
    }

    static ObjectNode arraySpace(ArrayInfo info, ArraySpace space, ArrayContext ctx) {
        ObjectNode a = F.objectNode();
        a.put("id", info.id());
        a.put("name", info.name());
        a.put("capacity", space.capacityBytes());
        a.put("parity", 1.0);
        a.set("space", space(space));
        a.put("time", ctx.clock().millis());
        return a;
    }

    private static ObjectNode space(ArraySpace s) {
        ObjectNode o = F.objectNode();
        o.put("data_reduction", s.dataReduction());
        o.put("total_reduction", s.totalReduction());
        double thin = s.totalProvisionedBytes() == 0 ? 0.0
                : Math.max(0.0, 1.0 - (double) (s.uniqueBytes() + s.snapshotsBytes()) / s.totalProvisionedBytes());
        o.put("thin_provisioning", Math.min(1.0, thin));
        o.put("shared", Math.max(0, s.totalPhysicalBytes() - s.uniqueBytes() - s.snapshotsBytes()));
        o.put("snapshots", s.snapshotsBytes());
        o.put("system", 0);
        o.put("unique", s.uniqueBytes());
        o.put("virtual", s.totalProvisionedBytes());
        o.put("total_provisioned", s.totalProvisionedBytes());
        o.put("used_provisioned", s.totalProvisionedBytes());
        o.put("total_physical", s.totalPhysicalBytes());
        o.put("total_used", s.totalPhysicalBytes());
        return o;
    }

    static ObjectNode volume(VolumeRecord v, int connectionCount, ArrayContext ctx) {
        ObjectNode o = F.objectNode();
        o.put("id", v.id());
        o.put("name", v.name());
        o.put("serial", v.serial());
        o.put("created", v.createdEpochMillis());
        o.put("destroyed", v.destroyed());
        timeRemaining(o, v.destroyed(), v.destroyedEpochMillis(), ctx);
        o.put("provisioned", v.provisionedBytes());
        o.put("connection_count", connectionCount);
        o.put("host_encryption_key_status", "none");
        VolumeFeatures.putQos(o, VolumeFeatures.volumeQos(ctx, v.name()));
        o.put("subtype", "regular");
        o.put("promotion_status", "promoted");
        o.put("requested_promotion_state", "promoted");
        o.put("priority", 0);
        ObjectNode pa = o.putObject("priority_adjustment");
        pa.put("priority_adjustment_operator", "+");
        pa.put("priority_adjustment_value", 0);
        reference(o, "source", v.sourceName());
        pod(o, v.name());
        reference(o, "volume_group", v.name().contains("/") ? v.name().substring(0, v.name().indexOf('/')) : null);
        ObjectNode space = o.putObject("space");
        space.put("total_provisioned", v.provisionedBytes());
        space.put("virtual", 0);
        space.put("unique", 0);
        space.put("snapshots", 0);
        space.put("total_physical", 0);
        space.put("data_reduction", 1.0);
        space.put("total_reduction", 1.0);
        space.put("thin_provisioning", 1.0);
        return o;
    }

    static ObjectNode snapshot(SnapshotRecord s, ArrayContext ctx) {
        ObjectNode o = F.objectNode();
        o.put("id", s.id());
        o.put("name", s.name());
        o.put("suffix", s.suffix());
        o.put("serial", s.serial());
        o.put("created", s.createdEpochMillis());
        o.put("destroyed", s.destroyed());
        timeRemaining(o, s.destroyed(), s.destroyedEpochMillis(), ctx);
        o.put("provisioned", s.provisionedBytes());
        reference(o, "source", s.sourceName());
        pod(o, s.sourceName());
        o.putNull("volume_group");
        ObjectNode space = o.putObject("space");
        space.put("total_provisioned", s.provisionedBytes());
        space.put("snapshots", 0);
        return o;
    }

    static ObjectNode host(HostRecord h) {
        ObjectNode o = F.objectNode();
        o.put("name", h.name());
        strings(o.putArray("iqns"), h.iqns());
        strings(o.putArray("wwns"), h.wwns());
        strings(o.putArray("nqns"), h.nqns());
        o.put("personality", h.personality());
        ObjectNode chap = o.putObject("chap");
        chap.put("host_user", h.chapUser());
        // The SPI reads the secret back (the Cinder layer returns it as auth_password), so the
        // simulator returns it; whether real arrays mask it is unverified.
        chap.put("host_password", h.chapSecret());
        chap.putNull("target_user");
        chap.putNull("target_password");
        o.put("connection_count", h.connectionCount());
        o.putNull("host_group");
        o.put("is_local", true);
        ObjectNode pc = o.putObject("port_connectivity");
        pc.put("details", h.connectionCount() > 0 ? "Redundant" : "None");
        pc.put("status", "healthy");
        o.putArray("preferred_arrays");
        o.put("vlan", "any");
        o.put("destroyed", false);
        o.putNull("time_remaining");
        return o;
    }

    static ObjectNode connection(ConnectionRecord c, String volumeId) {
        ObjectNode o = F.objectNode();
        o.putObject("host").put("name", c.hostName());
        o.putNull("host_group");
        ObjectNode vol = o.putObject("volume");
        vol.put("id", volumeId);
        vol.put("name", c.volumeName());
        o.put("lun", c.lun());
        o.put("nsid", c.lun());
        ObjectNode pe = o.putObject("protocol_endpoint");
        pe.putNull("id");
        pe.putNull("name");
        return o;
    }

    static ObjectNode port(PortRecord p) {
        ObjectNode o = F.objectNode();
        o.put("name", p.name().toUpperCase(Locale.ROOT));
        o.put("iqn", p.iqn());
        o.put("nqn", p.nqn());
        o.put("portal", p.portal());
        o.put("wwn", p.wwn());
        o.putNull("failover");
        return o;
    }

    /** A network interface derived from a target port (lower-case name, services by protocol). */
    static ObjectNode networkInterface(PortRecord p) {
        ObjectNode o = F.objectNode();
        o.put("name", p.name().toLowerCase(Locale.ROOT));
        o.put("enabled", true);
        boolean fc = p.service() == PortService.FC;
        o.put("interface_type", fc ? "fc" : "eth");
        ArrayNode services = o.putArray("services");
        services.add(switch (p.service()) {
            case ISCSI -> "iscsi";
            case FC -> "scsi-fc";
            case NVME_TCP -> "nvme-tcp";
            case NVME_ROCE -> "nvme-roce";
        });
        o.put("speed", fc ? 32_000_000_000L : 25_000_000_000L);
        if (fc) {
            o.putObject("fc").put("wwn", p.wwn());
            o.putNull("eth");
        } else {
            ObjectNode eth = o.putObject("eth");
            eth.put("address", portalHost(p.portal()));
            eth.putNull("gateway");
            eth.put("mtu", 9000);
            eth.put("netmask", "255.255.255.0");
            eth.put("subtype", "physical");
            eth.putNull("subnet");
            eth.putArray("subinterfaces");
            eth.putNull("vlan");
            eth.putNull("mac_address");
            o.putNull("fc");
        }
        return o;
    }

    static ObjectNode controller(String name, boolean primary, String version) {
        ObjectNode o = F.objectNode();
        o.put("name", name);
        o.put("mode", primary ? "primary" : "secondary");
        o.put("model", "FA-X70R4");
        o.put("status", "ready");
        o.put("type", "array_controller");
        o.put("version", version);
        return o;
    }

    private static String portalHost(String portal) {
        if (portal == null) {
            return null;
        }
        if (portal.startsWith("[")) {
            return portal.substring(1, portal.indexOf(']'));
        }
        int colon = portal.lastIndexOf(':');
        return colon < 0 ? portal : portal.substring(0, colon);
    }

    static void timeRemaining(ObjectNode o, boolean destroyed, long destroyedAt, ArrayContext ctx) {
        if (destroyed) {
            o.put("time_remaining", Math.max(0, destroyedAt + ctx.eradicationDelayMs() - ctx.clock().millis()));
        } else {
            o.putNull("time_remaining");
        }
    }

    private static void reference(ObjectNode o, String field, String name) {
        if (name == null) {
            o.putNull(field);
        } else {
            ObjectNode r = o.putObject(field);
            r.putNull("id");
            r.put("name", name);
        }
    }

    private static void pod(ObjectNode o, String name) {
        reference(o, "pod", ArrayNames.podOf(name).orElse(null));
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
