package io.purebridge.engine.sim;

import io.purebridge.engine.array.PortRecord;
import io.purebridge.engine.array.PortService;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic target ports of a simulated array: two controllers, each with one iSCSI, one FC,
 * one NVMe/TCP and one NVMe/RoCE port. The IQN, NQN, WWNs and loopback portals derive from the
 * array id and name, so they are stable across restarts and differ between arrays.
 */
final class SimPorts {
    private SimPorts() {
    }

    static String iqn(String arrayId) {
        return "iqn.2010-06.com.purestorage:flasharray." + hex16(arrayId);
    }

    static String nqn(String arrayId) {
        return "nqn.2010-06.com.purestorage:flasharray." + hex16(arrayId);
    }

    static List<PortRecord> ports(String arrayName, String arrayId) {
        String iqn = iqn(arrayId);
        String nqn = nqn(arrayId);
        // One loopback /24 per array name, so two simulated arrays never share a portal.
        int net = Math.floorMod(arrayName.hashCode(), 254) + 1;
        String ip = "127.0." + net + ".";
        String wwnBase = "52:4A:93:7" + wwnNibbles(arrayId);
        return List.of(
                new PortRecord("CT0.ETH4", iqn, null, null, ip + "1:3260", PortService.ISCSI),
                new PortRecord("CT1.ETH4", iqn, null, null, ip + "2:3260", PortService.ISCSI),
                new PortRecord("CT0.FC0", null, wwnBase + ":00", null, null, PortService.FC),
                new PortRecord("CT1.FC0", null, wwnBase + ":10", null, null, PortService.FC),
                new PortRecord("CT0.ETH6", null, null, nqn, ip + "3:4420", PortService.NVME_TCP),
                new PortRecord("CT1.ETH6", null, null, nqn, ip + "4:4420", PortService.NVME_TCP),
                new PortRecord("CT0.ETH8", null, null, nqn, ip + "5:4420", PortService.NVME_ROCE),
                new PortRecord("CT1.ETH8", null, null, nqn, ip + "6:4420", PortService.NVME_ROCE));
    }

    private static String hex16(String arrayId) {
        return arrayId.replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    /** "X:XX:XX:XX" (7 hex digits) from the array id: WWN bytes 4-7 after Pure's 52:4A:93:7 prefix. */
    private static String wwnNibbles(String arrayId) {
        String h = arrayId.replace("-", "").toUpperCase(Locale.ROOT);
        return h.charAt(0) + ":" + h.substring(1, 3) + ":" + h.substring(3, 5) + ":" + h.substring(5, 7);
    }
}
