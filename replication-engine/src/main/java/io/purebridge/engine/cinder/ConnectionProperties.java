package io.purebridge.engine.cinder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Connection info for os-brick, one shape per protocol (driver_volume_type). */
public sealed interface ConnectionProperties {

    /** driver_volume_type "iscsi": parallel lists, one entry per (array, port). */
    record Iscsi(
            List<String> targetIqns,
            List<String> targetPortals,
            List<Integer> targetLuns,
            String wwn,
            String authMethod,
            String authUsername,
            String authPassword) implements ConnectionProperties {
        public Iscsi {
            targetIqns = List.copyOf(targetIqns);
            targetPortals = List.copyOf(targetPortals);
            targetLuns = List.copyOf(targetLuns);
        }

        @Override
        public String toString() {
            return "Iscsi[targetIqns=" + targetIqns + ", targetPortals=" + targetPortals
                    + ", targetLuns=" + targetLuns + ", wwn=" + wwn + ", authMethod=" + authMethod
                    + ", authUsername=" + authUsername + ", authPassword=****]";
        }
    }

    /** driver_volume_type "fibre_channel". Empty lists on terminate mean "keep the zones". */
    record FibreChannel(
            List<String> targetWwns,
            List<Integer> targetLuns,
            String wwn,
            Map<String, List<String>> initiatorTargetMap) implements ConnectionProperties {
        public FibreChannel {
            targetWwns = List.copyOf(targetWwns);
            targetLuns = List.copyOf(targetLuns);
            initiatorTargetMap = Map.copyOf(initiatorTargetMap);
        }
    }

    /** driver_volume_type "nvmeof". */
    record Nvmeof(String targetNqn, List<NvmePortal> portals, String volumeNguid) implements ConnectionProperties {
        public Nvmeof {
            portals = List.copyOf(portals);
        }
    }

    /** One NVMe portal: transport is "tcp" or "rdma". */
    record NvmePortal(String address, int port, String transport) {
    }

    /** Both arrays' targets in one connection_info (iSCSI and FC; NVMe keeps the active array's). */
    static ConnectionProperties merge(ConnectionProperties a, ConnectionProperties b) {
        if (a instanceof ConnectionProperties.Iscsi x && b instanceof ConnectionProperties.Iscsi y) {
            return new ConnectionProperties.Iscsi(concat(x.targetIqns(), y.targetIqns()),
                    concat(x.targetPortals(), y.targetPortals()), concat(x.targetLuns(), y.targetLuns()), x.wwn(),
                    x.authMethod(), x.authUsername(), x.authPassword());
        }
        if (a instanceof ConnectionProperties.FibreChannel x && b instanceof ConnectionProperties.FibreChannel y) {
            Map<String, List<String>> map = new LinkedHashMap<>(x.initiatorTargetMap());
            y.initiatorTargetMap().forEach((k, v) -> map.merge(k, v, ConnectionProperties::concat));
            return new ConnectionProperties.FibreChannel(concat(x.targetWwns(), y.targetWwns()),
                    concat(x.targetLuns(), y.targetLuns()), x.wwn(), map);
        }
        return a;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
